"""charts/platform on its own: what each template renders from values, and what it refuses.
(How it wires to the add-ons and apps of an environment: tests/gitops/test_platform_wiring.py.)"""

import pytest

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_error

CLUSTER = REQUIRED["platform"]


def render(values: dict | None = None) -> dict[tuple[str, str], dict]:
    objects = render_chart(chart="platform", release="platform", values={**CLUSTER, **(values or {})})
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def test_the_apps_namespace_enforces_the_restricted_pod_security_level():
    labels = render()[("Namespace", "chr21")]["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_the_secret_store_reads_secrets_manager_in_the_clusters_region_by_irsa():
    store = render()[("ClusterSecretStore", "aws-secrets-manager")]["spec"]
    assert store["provider"]["aws"]["service"] == "SecretsManager"
    assert store["provider"]["aws"]["region"] == "eu-west-1"
    assert store["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"] == {
        "name": "external-secrets",
        "namespace": "external-secrets",
    }
    assert store["conditions"] == [{"namespaces": ["chr21", "monitoring"]}]


def test_karpenter_discovers_by_the_cluster_tag_and_launches_hardened_nodes():
    objects = render()
    node_class = objects[("EC2NodeClass", "default")]["spec"]
    assert node_class["role"] == "chr21-hml-karpenter-node"
    discovery = [{"tags": {"karpenter.sh/discovery": "chr21-hml"}}]
    assert node_class["subnetSelectorTerms"] == node_class["securityGroupSelectorTerms"] == discovery
    assert node_class["metadataOptions"]["httpTokens"] == "required"
    assert node_class["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert node_class["blockDeviceMappings"][0]["ebs"]["encrypted"] is True
    pool = objects[("NodePool", "general")]["spec"]
    assert pool["template"]["spec"]["nodeClassRef"]["name"] == "default"
    requirements = {r["key"]: r["values"] for r in pool["template"]["spec"]["requirements"]}
    assert requirements["karpenter.sh/capacity-type"] == ["spot", "on-demand"]
    assert pool["disruption"]["consolidationPolicy"] == "WhenEmptyOrUnderutilized"


def test_one_node_pool_per_entry_and_null_removes_a_default_one():
    pools = {
        "general": None,
        "batch": {
            "capacityTypes": ["spot"],
            "instanceCategories": ["c"],
            "minInstanceGeneration": 6,
            "architectures": ["arm64"],
            "limits": {"cpu": "8"},
            "consolidateAfter": "30s",
            "expireAfter": "Never",
        },
    }
    objects = render({"karpenter": {"nodePools": pools}})
    assert [name for kind, name in objects if kind == "NodePool"] == ["batch"]


def test_grafana_admin_can_be_left_out():
    assert ("ExternalSecret", "grafana-admin") in render()
    assert ("ExternalSecret", "grafana-admin") not in render({"grafanaAdmin": {"enabled": False}})


def test_custom_resources_wait_for_their_crds_and_what_they_reference():
    waves = {}
    for (kind, name), obj in render().items():
        annotations = obj["metadata"]["annotations"]
        waves[kind] = int(annotations["argocd.argoproj.io/sync-wave"])
        if kind != "Namespace":
            assert annotations["argocd.argoproj.io/sync-options"] == "SkipDryRunOnMissingResource=true", name
    # The namespace first; a store before the ExternalSecret that reads through it; the node
    # class before the node pools that name it.
    assert waves["Namespace"] < waves["ClusterSecretStore"] < waves["ExternalSecret"]
    assert waves["EC2NodeClass"] < waves["NodePool"]


@pytest.mark.parametrize(
    ("missing", "says"),
    [
        ("region", "the cluster secret's aws_region"),
        ("name", "the cluster secret's aws_cluster_name"),
        ("karpenterNodeRole", "the cluster secret's karpenter_node_role"),
    ],
)
def test_a_missing_cluster_fact_names_its_annotation(missing, says):
    cluster = {k: v for k, v in CLUSTER["cluster"].items() if k != missing}
    error = render_error(chart="platform", release="platform", values={**CLUSTER, "cluster": cluster})
    assert says in error


@pytest.mark.parametrize(
    "values",
    [
        {"secretStore": {"nmae": "typo"}},
        {"appsNamespace": {"podSecurity": "lenient"}},
        {"karpenter": {"nodePools": {"general": {"capacityTypes": ["cheap"]}}}},
        {"unknown": True},
    ],
)
def test_the_schema_refuses_what_is_not_a_value(values):
    assert "values don't meet the specifications" in render_error(
        chart="platform", release="platform", values={**CLUSTER, **values}
    )
