"""templates/migration-job.yaml: `db upgrade` then `db seed` as an Argo CD PreSync hook."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_one

DB = REQUIRED["gene-api"]


def job(values=None):
    return render_one("Job", values={**DB, **(values or {})}, show_only=["templates/migration-job.yaml"])


def test_argo_cd_presync_hook_replaced_at_each_sync():
    annotations = job()["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "PreSync"
    assert annotations["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    assert not any(key.startswith("helm.sh/hook") for key in annotations)


def test_upgrades_then_seeds():
    spec = job()["spec"]["template"]["spec"]
    steps = [c["command"] for c in spec["initContainers"] + spec["containers"]]
    assert steps == [["gene-api", "db", "upgrade"], ["gene-api", "db", "seed"]]
    assert spec["restartPolicy"] == "Never"


def test_reads_the_database_url_from_the_external_secret_target():
    spec = job()["spec"]["template"]["spec"]
    for container in spec["initContainers"] + spec["containers"]:
        database_url = next(e for e in container["env"] if e["name"] == "DATABASE_URL")
        assert database_url["valueFrom"]["secretKeyRef"] == {"name": "gene-api", "key": "DATABASE_URL"}


def test_same_image_as_the_deployment():
    objects = render_chart(values={**DB, "image": {"repository": "r/api", "tag": "9.9.9"}})
    images = {
        c["image"]
        for o in objects
        if o["kind"] in ("Job", "Deployment")
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"r/api:9.9.9"}


def test_bounded_in_retries_and_time():
    spec = job({"migration": {"backoffLimit": 1, "activeDeadlineSeconds": 120}})["spec"]
    assert (spec["backoffLimit"], spec["activeDeadlineSeconds"]) == (1, 120)


def test_can_be_turned_off():
    assert not [o for o in render_chart(values={**DB, "migration": {"enabled": False}}) if o["kind"] == "Job"]
