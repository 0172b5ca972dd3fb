"""Who may talk to the worker (Prometheus, on the metrics port only) and whom it may reach
(DNS, the database, HTTPS); the PodMonitor scrapes the port the probes use."""


def test_only_prometheus_comes_in_and_only_to_metrics(render):
    policy = render()["NetworkPolicy"]["spec"]
    (ingress,) = policy["ingress"]
    assert ingress["ports"] == [{"port": "metrics", "protocol": "TCP"}]
    assert ingress["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]


def test_egress_is_dns_database_https_and_what_is_added(render):
    extra = {
        "to": [{"podSelector": {"matchLabels": {"app": "redis"}}}],
        "ports": [{"port": 6379, "protocol": "TCP"}],
    }
    policy = render({"networkPolicy": {"databaseCidr": "10.9.0.0/16", "extraEgress": [extra]}})[
        "NetworkPolicy"
    ]["spec"]
    ports = [rule["ports"] for rule in policy["egress"]]
    assert ports[0] == [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
    assert policy["egress"][1] == {
        "to": [{"ipBlock": {"cidr": "10.9.0.0/16"}}],
        "ports": [{"port": 5432, "protocol": "TCP"}],
    }
    assert ports[2] == [{"port": 443, "protocol": "TCP"}]
    assert policy["egress"][3] == extra


def test_podmonitor_scrapes_the_metrics_port(render):
    objects = render({"podMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}}})
    monitor = objects["PodMonitor"]
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("metrics", "/metrics")
    assert (
        monitor["spec"]["selector"]["matchLabels"].items()
        <= objects["Deployment"]["spec"]["template"]["metadata"]["labels"].items()
    )
    assert "PodMonitor" not in render()
