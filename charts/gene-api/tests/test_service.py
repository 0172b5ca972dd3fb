"""templates/service.yaml."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

DB = REQUIRED["gene-api"]


def test_service_targets_the_named_ports_of_the_pods():
    service = render_one(
        "Service", values={**DB, "service": {"port": 8080}}, show_only=["templates/service.yaml"]
    )
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"},
        {"name": "metrics", "port": 9001, "targetPort": "metrics", "protocol": "TCP"},
    ]
    assert service["spec"]["selector"] == {
        "app.kubernetes.io/name": "gene-api",
        "app.kubernetes.io/instance": "gene-api",
    }
    assert service["metadata"]["namespace"] == "genes"
