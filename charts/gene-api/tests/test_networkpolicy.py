"""templates/networkpolicy.yaml: deny all, then the API's few paths in and out."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

DB = {**REQUIRED["gene-api"], "database": {"host": "db.example.internal", "port": 5432}}


def policy(values=None):
    return render_one(
        "NetworkPolicy", values={**DB, **(values or {})}, show_only=["templates/networkpolicy.yaml"]
    )


def test_selects_the_api_pods_for_both_directions():
    spec = policy()["spec"]
    assert spec["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "gene-api",
        "app.kubernetes.io/instance": "gene-api",
    }
    assert spec["policyTypes"] == ["Ingress", "Egress"]


def test_ingress_from_the_controller_and_web_pods_to_the_api_port_and_prometheus_to_metrics():
    api, metrics = policy({"networkPolicy": {"ingressCidrs": ["10.20.0.0/16"]}})["spec"]["ingress"]
    assert api["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert api["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}},
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "web"}}},
        {"ipBlock": {"cidr": "10.20.0.0/16"}},
    ]
    assert metrics["ports"] == [{"port": "metrics", "protocol": "TCP"}]
    assert metrics["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]


def test_egress_only_to_dns_the_database_and_https():
    egress = policy({"networkPolicy": {"databaseCidr": "10.9.0.0/16"}})["spec"]["egress"]
    ports = [[(p["port"], p["protocol"]) for p in rule["ports"]] for rule in egress]
    assert ports == [[(53, "UDP"), (53, "TCP")], [(5432, "TCP")], [(443, "TCP")]]
    assert egress[1]["to"] == [{"ipBlock": {"cidr": "10.9.0.0/16"}}]
