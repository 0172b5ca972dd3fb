"""templates/servicemonitor.yaml."""

from tests.support.helm import render_chart, render_one

DB = {"database": {"host": "db.example.internal"}}


def test_scrapes_metrics_on_the_service_port_with_the_prometheus_label():
    monitor = render_one(
        "ServiceMonitor",
        values={**DB, "serviceMonitor": {"enabled": True, "interval": "15s", "labels": {"release": "kps"}}},
    )
    assert monitor["metadata"]["labels"]["release"] == "kps"
    assert monitor["spec"]["endpoints"] == [
        {"port": "http", "path": "/metrics", "interval": "15s", "scrapeTimeout": "10s"}
    ]
    assert monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "gene-api"


def test_off_by_default():
    assert not [o for o in render_chart(values=DB) if o["kind"] == "ServiceMonitor"]
