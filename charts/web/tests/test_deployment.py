"""templates/deployment.yaml: gunicorn on the app's port, its secrets, its probes and volumes."""


def container(objects: dict) -> dict:
    (web,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    return web


def test_serves_on_the_app_port_and_metrics_on_their_own(render):
    web = container(render({"app": {"port": 8080, "metricsPort": 9100}}))
    assert {p["name"]: p["containerPort"] for p in web["ports"]} == {"http": 8080, "metrics": 9100}
    assert web["envFrom"] == [{"configMapRef": {"name": "web"}}]


def test_reads_its_three_secrets_from_the_external_secret_target(render):
    env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container(render())["env"] if "valueFrom" in e}
    assert env == {
        name: {"name": "web", "key": name}
        for name in ("WEB_DATABASE_URL", "DJANGO_SECRET_KEY", "TOKEN_SIGNING_KEY")
    }


def test_probes_are_the_apps_paths_on_the_http_port(render):
    web = container(render())
    assert web["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


def test_uploads_wait_in_a_bounded_empty_dir(render):
    objects = render({"app": {"uploadsSizeLimit": "4Gi"}})
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    assert {"name": "uploads", "emptyDir": {"sizeLimit": "4Gi"}} in pod["volumes"]
    env = {e["name"]: e.get("value") for e in container(objects)["env"]}
    assert {"name": "uploads", "mountPath": env["FILE_UPLOAD_TEMP_DIR"]} in container(objects)["volumeMounts"]


def test_pods_get_the_graceful_timeout_and_ten_seconds_more(render):
    objects = render({"app": {"gracefulTimeout": 25}})
    assert objects["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 35
    assert objects["ConfigMap"]["data"]["GRACEFUL_TIMEOUT"] == "25"


def test_replicas_belong_to_the_hpa_when_autoscaling(render):
    assert render()["Deployment"]["spec"]["replicas"] == 2
    assert "replicas" not in render({"autoscaling": {"enabled": True}})["Deployment"]["spec"]
