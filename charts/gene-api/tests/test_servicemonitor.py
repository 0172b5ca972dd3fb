"""templates/servicemonitor.yaml."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_one

DB = REQUIRED["gene-api"]


def test_scrapes_the_metrics_port_with_the_prometheus_label():
    monitor = render_one(
        "ServiceMonitor",
        values={**DB, "serviceMonitor": {"enabled": True, "interval": "15s", "labels": {"release": "kps"}}},
    )
    assert monitor["metadata"]["labels"]["release"] == "kps"
    assert monitor["spec"]["endpoints"] == [
        {"port": "metrics", "path": "/metrics", "interval": "15s", "scrapeTimeout": "10s"}
    ]
    assert monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "gene-api"


def test_the_metrics_port_is_the_apps_and_not_the_one_the_ingress_routes():
    values = {
        **DB,
        "app": {"metricsPort": 9100},
        "serviceMonitor": {"enabled": True},
        "ingress": {"enabled": True, "host": "genes.example.org"},
    }
    objects = {o["kind"]: o for o in render_chart(values=values)}
    (container,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["metrics"] == int(objects["ConfigMap"]["data"]["METRICS_PORT"]) == 9100
    service_ports = {p["name"]: p for p in objects["Service"]["spec"]["ports"]}
    assert service_ports["metrics"]["targetPort"] == "metrics"
    scraped = objects["ServiceMonitor"]["spec"]["endpoints"][0]["port"]
    assert scraped == "metrics"
    # Every path of the Ingress goes to the Service's "http" port, which targets the API port only.
    backends = [
        path["backend"]["service"]
        for rule in objects["Ingress"]["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends
    assert all(b["port"] == {"name": "http"} for b in backends)
    assert service_ports["http"]["targetPort"] == "http"
    assert ports["http"] != ports["metrics"]


def test_off_by_default():
    assert not [o for o in render_chart(values=DB) if o["kind"] == "ServiceMonitor"]
