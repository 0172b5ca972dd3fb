"""Hardened defaults of every pod the chart renders (Deployment and migration Job)."""

import pytest

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart

DB = REQUIRED["gene-api"]


def pod_specs(values=None):
    objects = render_chart(values={**DB, **(values or {})})
    return {o["kind"]: o["spec"]["template"]["spec"] for o in objects if o["kind"] in ("Deployment", "Job")}


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_pod_runs_as_the_image_user_without_privileges(kind):
    spec = pod_specs()[kind]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    for container in spec["containers"] + spec.get("initContainers", []):
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in spec["volumes"]


def test_overriding_one_key_keeps_the_other_hardening():
    spec = pod_specs({"containerSecurityContext": {"runAsUser": 20000}})["Deployment"]
    context = spec["containers"][0]["securityContext"]
    assert context["runAsUser"] == 20000
    assert context["readOnlyRootFilesystem"] is True
    assert context["capabilities"] == {"drop": ["ALL"]}
