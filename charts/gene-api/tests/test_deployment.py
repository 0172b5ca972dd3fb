"""templates/deployment.yaml: the API's container, its probes, settings and rollout."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

DB = REQUIRED["gene-api"]


def deployment(values=None):
    return render_one("Deployment", values={**DB, **(values or {})}, show_only=["templates/deployment.yaml"])


def api_container(values=None):
    (container,) = deployment(values)["spec"]["template"]["spec"]["containers"]
    return container


def test_runs_the_production_command_on_the_app_port():
    container = api_container()
    assert container["command"] == ["gene-api", "serve"]
    assert container["ports"] == [
        {"name": "http", "containerPort": 8001, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9001, "protocol": "TCP"},
    ]


def test_probes_use_the_api_health_endpoints():
    container = api_container()
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


def test_probe_timings_come_from_values():
    container = api_container(
        {"probes": {"readiness": {"periodSeconds": 7, "failureThreshold": 4, "timeoutSeconds": 1}}}
    )
    assert container["readinessProbe"]["periodSeconds"] == 7
    assert container["readinessProbe"]["failureThreshold"] == 4


def test_settings_from_configmap_and_secrets_from_the_secret():
    container = api_container()
    assert container["envFrom"] == [{"configMapRef": {"name": "gene-api"}}]
    assert container["env"] == [
        {"name": name, "valueFrom": {"secretKeyRef": {"name": "gene-api", "key": name}}}
        for name in ("DATABASE_URL", "TOKEN_SIGNING_KEY")
    ]


def test_uploads_wait_in_a_bounded_staging_volume():
    pod = deployment({"pipeline": {**DB["pipeline"], "stagingSizeLimit": "20Gi"}})["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert {"name": "staging", "mountPath": "/staging"} in container["volumeMounts"]
    assert {"name": "staging", "emptyDir": {"sizeLimit": "20Gi"}} in pod["volumes"]


def test_image_tag_defaults_to_app_version_and_digest_wins():
    assert api_container()["image"] == "gene-api:0.1.0"
    assert api_container({"image": {"repository": "r/api", "tag": "1.2.3"}})["image"] == "r/api:1.2.3"
    digest = "sha256:" + "a" * 64
    assert (
        api_container({"image": {"repository": "r/api", "tag": "1.2.3", "digest": digest}})["image"]
        == f"r/api@{digest}"
    )


def test_a_settings_change_rolls_the_pods():
    before = deployment()["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    after = deployment({"app": {"logLevel": "DEBUG"}})["spec"]["template"]["metadata"]["annotations"][
        "checksum/config"
    ]
    assert before != after


def test_grace_period_outlasts_the_graceful_timeout():
    spec = deployment({"app": {"gracefulTimeout": 45}})["spec"]["template"]["spec"]
    assert spec["terminationGracePeriodSeconds"] == 55


def test_replicas_are_left_to_the_hpa_when_autoscaling():
    assert deployment()["spec"]["replicas"] == 2
    assert "replicas" not in deployment({"autoscaling": {"enabled": True}})["spec"]


def test_spread_across_zones_then_nodes():
    constraints = deployment()["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in constraints] == [
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    ]
    assert all(c["labelSelector"]["matchLabels"]["app.kubernetes.io/name"] == "gene-api" for c in constraints)
    assert (
        "topologySpreadConstraints"
        not in deployment({"topologySpread": {"enabled": False}})["spec"]["template"]["spec"]
    )


def test_resources_are_set():
    resources = api_container()["resources"]
    assert set(resources) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(resources["limits"])
