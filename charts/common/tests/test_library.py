"""The common library serves more than the API: a worker-shaped chart (no Service, no
Ingress, no probes; a one-step Django-style migration) built from its helpers alone
renders valid, hardened objects."""

from pathlib import Path

from tests.support.helm import render_chart
from tests.support.validate import assert_valid

WORKER = Path(__file__).parent / "worker-example"


def test_worker_shaped_chart_renders_valid_objects():
    objects = render_chart(chart=WORKER, release="worker")
    assert_valid(objects)
    assert sorted(o["kind"] for o in objects) == [
        "Deployment",
        "ExternalSecret",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ServiceAccount",
    ]


def test_helpers_take_the_charts_own_values():
    objects = {o["kind"]: o for o in render_chart(chart=WORKER, release="worker")}
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == 10002
    assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    assert objects["Deployment"]["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"
    assert objects["ServiceAccount"]["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/worker"
    }
    assert objects["NetworkPolicy"]["spec"]["ingress"] == []


def test_a_single_step_migration_has_no_init_containers():
    job = next(o for o in render_chart(chart=WORKER, release="worker") if o["kind"] == "Job")
    spec = job["spec"]["template"]["spec"]
    assert "initContainers" not in spec
    assert spec["containers"][0]["command"] == ["django-admin", "migrate", "--noinput"]
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
