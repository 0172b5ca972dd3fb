"""Every kind an environment renders whose objects report a state has a health check in its
Argo CD: Argo CD's own (built into gitops-engine, or resource_customizations/ at the release
we install) or ours (argocd-cm resource.customizations.health.*, Lua). Ours are run here with
lupa, the same Lua Argo CD runs, on Healthy, Progressing and Degraded samples."""

import pytest
from lupa import LuaRuntime

# Kinds Argo CD checks itself at v3.4.4: gitops-engine's Go checks (pkg/health) and the
# resource_customizations/<group>/<kind>/health.lua of the kinds we render.
BUILT_IN = {
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("batch", "Job"),
    ("", "Pod"),
    ("", "Service"),
    ("", "PersistentVolumeClaim"),
    ("networking.k8s.io", "Ingress"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("apiregistration.k8s.io", "APIService"),
    ("batch", "CronJob"),
    ("external-secrets.io", "ClusterSecretStore"),
    ("external-secrets.io", "ExternalSecret"),
    ("karpenter.k8s.aws", "EC2NodeClass"),
    ("karpenter.sh", "NodePool"),
    ("keda.sh", "ScaledObject"),
    ("monitoring.coreos.com", "Prometheus"),
}
# Kinds whose objects report no state (no `status` in their schema, or none that says health).
NO_STATE = {
    ("", "ConfigMap"),
    ("", "Namespace"),
    ("", "Secret"),
    ("", "ServiceAccount"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("elbv2.k8s.aws", "IngressClassParams"),
    ("keda.sh", "TriggerAuthentication"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("policy", "PodDisruptionBudget"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
}
PREFIX = "resource.customizations.health."


def group_kind(obj: dict) -> tuple[str, str]:
    api_version = obj["apiVersion"]
    return (api_version.split("/")[0] if "/" in api_version else "", obj["kind"])


def health_checks(rendered) -> dict[tuple[str, str], str]:
    """Our checks, by (group, kind), from the rendered argocd-cm."""
    cm = rendered.one(f"argo-cd-{rendered.env}", "ConfigMap", "argocd-cm")
    found = {}
    for key, script in cm["data"].items():
        if key.startswith(PREFIX):
            group, _, kind = key.removeprefix(PREFIX).rpartition("_")
            found[(group, kind)] = script
    return found


def run(script: str, obj: dict) -> tuple[str, str]:
    """The script as Argo CD runs it: `obj` the live object, the returned table its health."""
    lua = LuaRuntime(unpack_returned_tuples=True)
    check = lua.eval(f"function(obj)\n{script}\nend")
    health = check(lua.table_from(obj, recursive=True))
    return health["status"], health["message"]


def test_every_kind_that_reports_a_state_has_a_health_check(rendered):
    ours = set(health_checks(rendered))
    assert not ours & BUILT_IN, "ours would replace Argo CD's own"
    rendered_kinds = {group_kind(o) for app in rendered.applications() for o in rendered.objects(app)}
    unchecked = rendered_kinds - BUILT_IN - NO_STATE - ours
    assert unchecked == set()
    assert ours <= rendered_kinds, "a check for a kind nothing renders"


def condition(kind: str, status: str, message: str = "", reason: str = "") -> dict:
    return {"type": kind, "status": status, "message": message, "reason": reason}


ALERTMANAGER = [
    ({"spec": {"replicas": 2}}, "Progressing"),
    (
        {
            "spec": {"replicas": 2},
            "status": {
                "updatedReplicas": 2,
                "conditions": [condition("Available", "True"), condition("Reconciled", "True")],
            },
        },
        "Healthy",
    ),
    (
        {
            "spec": {"replicas": 2},
            "status": {
                "updatedReplicas": 1,
                "conditions": [condition("Available", "True"), condition("Reconciled", "True")],
            },
        },
        "Progressing",
    ),
    (
        {
            "spec": {"replicas": 2},
            "status": {
                "conditions": [
                    condition("Available", "Degraded", "1 of 2 pods not ready", "SomePodsNotReady")
                ]
            },
        },
        "Progressing",
    ),
    (
        {
            "spec": {"replicas": 2},
            "status": {"conditions": [condition("Available", "False", "no pods ready", "NoPodReady")]},
        },
        "Degraded",
    ),
    (
        {"spec": {"replicas": 1}, "status": {"conditions": [condition("Reconciled", "False", "bad config")]}},
        "Degraded",
    ),
    ({"spec": {"replicas": 1, "paused": True}, "status": {}}, "Suspended"),
]


def binding(status: str, message: str = "") -> dict:
    return {
        "status": {
            "bindings": [
                {
                    "resource": "prometheuses",
                    "name": "kps",
                    "conditions": [condition("Accepted", status, message)],
                }
            ]
        }
    }


BINDINGS = [
    ({}, "Healthy"),
    (binding("True"), "Healthy"),
    (binding("Unknown"), "Progressing"),
    (binding("False", "invalid PromQL"), "Degraded"),
]
SAMPLES = {
    ("monitoring.coreos.com", "Alertmanager"): ALERTMANAGER,
    ("monitoring.coreos.com", "ServiceMonitor"): BINDINGS,
    ("monitoring.coreos.com", "PodMonitor"): BINDINGS,
    ("monitoring.coreos.com", "PrometheusRule"): BINDINGS,
}


def test_our_checks_say_healthy_progressing_and_degraded_on_samples(rendered):
    checks = health_checks(rendered)
    assert set(checks) == set(SAMPLES)
    for kind, samples in SAMPLES.items():
        assert {want for _, want in samples} >= {"Healthy", "Progressing", "Degraded"}
        for obj, want in samples:
            status, message = run(checks[kind], obj)
            assert (kind, status) == (kind, want), (obj, message)
            assert message


@pytest.mark.parametrize("env", ["hml", "prod"])
def test_a_refusal_is_named_in_the_message(renders, env):
    checks = health_checks(renders[env])
    status, message = run(
        checks[("monitoring.coreos.com", "PrometheusRule")], binding("False", "invalid PromQL")
    )
    assert status == "Degraded"
    assert message == "prometheuses/kps refused it: invalid PromQL"
