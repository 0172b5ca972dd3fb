"""The worker's Deployment: its command, settings, probes on the metrics port, the volumes it
writes to, and who owns the replica count."""


def container(objects: dict) -> dict:
    (only,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def test_runs_the_worker_with_its_settings_and_database_secret(render):
    objects = render()
    worker = container(objects)
    assert worker["command"] == ["annotator", "worker"]
    assert worker["envFrom"] == [{"configMapRef": {"name": objects["ConfigMap"]["metadata"]["name"]}}]
    assert worker["env"] == [
        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "worker", "key": "DATABASE_URL"}}}
    ]
    assert objects["ExternalSecret"]["spec"]["target"]["name"] == "worker"


def test_probes_ask_the_metrics_port_the_main_process_serves(render):
    worker = container(render({"app": {"metricsPort": 9102}}))
    assert worker["ports"] == [{"name": "metrics", "containerPort": 9102, "protocol": "TCP"}]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert worker[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}, probe
    assert worker["livenessProbe"]["periodSeconds"] == 20


def test_jobs_are_staged_on_a_sized_work_volume(render):
    objects = render({"workSizeLimit": "40Gi"})
    spec = objects["Deployment"]["spec"]["template"]["spec"]
    assert {"name": "work", "emptyDir": {"sizeLimit": "40Gi"}} in spec["volumes"]
    assert {"name": "work", "mountPath": "/work"} in container(objects)["volumeMounts"]
    assert objects["ConfigMap"]["data"]["WORK_FOLDER"] == "/work"


def test_shutdown_grace_lets_running_jobs_finish(render):
    spec = render({"app": {"shutdownGraceSeconds": 600}})["Deployment"]["spec"]["template"]["spec"]
    assert spec["terminationGracePeriodSeconds"] == 600


def test_keda_owns_the_replica_count_when_on(render):
    assert "replicas" not in render()["Deployment"]["spec"]
    assert render({"keda": {"enabled": False}, "replicaCount": 3})["Deployment"]["spec"]["replicas"] == 3


def test_a_settings_change_rolls_the_pods(render):
    def checksum(values):
        return render(values)["Deployment"]["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum({}) != checksum({"app": {"concurrency": 2}})
