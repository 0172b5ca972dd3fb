"""templates/service.yaml, hpa.yaml, pdb.yaml, servicemonitor.yaml: what routes to and scrapes
the pods, and how many there are."""


def test_service_routes_http_and_metrics_by_port_name(render):
    ports = {p["name"]: (p["port"], p["targetPort"]) for p in render()["Service"]["spec"]["ports"]}
    assert ports == {"http": (80, "http"), "metrics": (9000, "metrics")}


def test_service_monitor_scrapes_the_metrics_port(render):
    monitor = render({"serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}}})[
        "ServiceMonitor"
    ]
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_hpa_scales_the_deployment_on_cpu(render):
    hpa = render({"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 9}})[
        "HorizontalPodAutoscaler"
    ]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 9)


def test_pdb_keeps_one_pod(render):
    assert render()["PodDisruptionBudget"]["spec"]["minAvailable"] == 1
