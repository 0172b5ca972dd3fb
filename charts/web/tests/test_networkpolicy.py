"""templates/networkpolicy.yaml against the gene-api chart: the egress rule reaches the gene API's
pods, and the gene API's own policy lets these pods in (networkpolicy_test.yaml has the rest)."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart


def gene_api(kind: str) -> dict:
    (obj,) = [o for o in render_chart(values=REQUIRED["gene-api"]) if o["kind"] == kind]
    return obj


def test_egress_reaches_the_gene_api_pods_on_their_container_port(render):
    egress = render()["NetworkPolicy"]["spec"]["egress"]
    (to_api,) = [rule for rule in egress if rule["to"][0].keys() == {"podSelector"}]
    api_pod = gene_api("Deployment")["spec"]["template"]
    (api,) = api_pod["spec"]["containers"]
    http = next(p["containerPort"] for p in api["ports"] if p["name"] == "http")
    assert to_api["ports"] == [{"port": http, "protocol": "TCP"}]
    assert to_api["to"][0]["podSelector"]["matchLabels"].items() <= api_pod["metadata"]["labels"].items()


def test_the_gene_api_lets_these_pods_in(render):
    web_labels = render()["Deployment"]["spec"]["template"]["metadata"]["labels"]
    sources = [source for rule in gene_api("NetworkPolicy")["spec"]["ingress"] for source in rule["from"]]
    selectors = [s["podSelector"]["matchLabels"] for s in sources if "podSelector" in s]
    assert any(selector.items() <= web_labels.items() for selector in selectors)
