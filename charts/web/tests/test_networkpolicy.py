"""templates/networkpolicy.yaml: in from the ALB and Prometheus; out only to DNS, the gene
API's pods and the database. The gene API's own policy lets these pods in."""

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


def test_egress_is_dns_the_api_and_the_database_only(render):
    egress = render({"networkPolicy": {"databaseCidr": "10.20.64.0/19"}})["NetworkPolicy"]["spec"]["egress"]
    assert len(egress) == 3
    assert {
        "to": [{"ipBlock": {"cidr": "10.20.64.0/19"}}],
        "ports": [{"port": 5432, "protocol": "TCP"}],
    } in egress
    assert not any("0.0.0.0/0" in str(rule) for rule in egress)


def test_ingress_from_the_alb_to_http_and_prometheus_to_metrics(render):
    ingress = render({"networkPolicy": {"ingressCidrs": ["10.20.0.0/19"]}})["NetworkPolicy"]["spec"][
        "ingress"
    ]
    by_port = {rule["ports"][0]["port"]: rule["from"] for rule in ingress}
    assert {"ipBlock": {"cidr": "10.20.0.0/19"}} in by_port["http"]
    assert by_port["metrics"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]


def test_can_be_turned_off(render):
    assert "NetworkPolicy" not in render({"networkPolicy": {"enabled": False}})
