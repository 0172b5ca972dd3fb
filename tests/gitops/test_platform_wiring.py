"""charts/platform wired to what an environment renders around it: the secret store every
ExternalSecret names, the service account and IAM role it reads with, the Secret Grafana
reads, the apps' namespace, Karpenter's node class and the cluster secret's facts."""

import yaml

from tests.support.gitops import cluster_secret_stand_in
from tests.support.paths import REPO


def by_kind(rendered, application: str) -> dict[tuple[str, str], dict]:
    return {(o["kind"], o["metadata"]["name"]): o for o in rendered.objects(application)}


def test_every_external_secret_names_the_platforms_store_from_a_namespace_it_serves(rendered):
    platform = by_kind(rendered, f"platform-{rendered.env}")
    stores = {name: obj for (kind, name), obj in platform.items() if kind == "ClusterSecretStore"}
    applications = rendered.applications()
    external_secrets = [
        (name, obj)
        for name in applications
        for obj in rendered.objects(name)
        if obj["kind"] == "ExternalSecret"
    ]
    assert {name.rsplit("-", 1)[0] for name, _ in external_secrets} >= {"gene-api", "platform"}
    for name, secret in external_secrets:
        reference = secret["spec"]["secretStoreRef"]
        assert reference["kind"] == "ClusterSecretStore", name
        store = stores[reference["name"]]
        namespace = (
            secret["metadata"].get("namespace") or applications[name]["spec"]["destination"]["namespace"]
        )
        allowed = store["spec"]["conditions"][0]["namespaces"]
        assert namespace in allowed, f"{name}: {namespace} may not read through {reference['name']}"


def test_the_store_reads_as_the_external_secrets_service_account_with_its_irsa_role(rendered):
    env = rendered.env
    store = next(o for o in rendered.objects(f"platform-{env}") if o["kind"] == "ClusterSecretStore")
    reference = store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]
    accounts = by_kind(rendered, f"external-secrets-{env}")
    account = accounts[("ServiceAccount", reference["name"])]
    assert account["metadata"]["namespace"] == reference["namespace"]
    annotations = cluster_secret_stand_in(env)["metadata"]["annotations"]
    assert (
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        == annotations["external_secrets_iam_role_arn"]
    )
    assert store["spec"]["provider"]["aws"]["region"] == annotations["aws_region"]


def test_grafana_reads_the_secret_the_platform_writes(rendered):
    env = rendered.env
    target = by_kind(rendered, f"platform-{env}")[("ExternalSecret", "grafana-admin")]
    grafana = by_kind(rendered, f"kube-prometheus-stack-{env}")[
        ("Deployment", "kube-prometheus-stack-grafana")
    ]
    secrets = {
        item["valueFrom"]["secretKeyRef"]["name"]
        for container in grafana["spec"]["template"]["spec"]["containers"]
        for item in container.get("env", [])
        if "secretKeyRef" in item.get("valueFrom", {})
    }
    assert target["spec"]["target"]["name"] in secrets
    assert target["metadata"]["namespace"] == grafana["metadata"]["namespace"]


def test_the_apps_namespace_is_the_one_the_apps_deploy_to(rendered):
    env = rendered.env
    namespace = next(
        o
        for o in rendered.objects(f"platform-{env}")
        if o["kind"] == "Namespace" and "pod-security.kubernetes.io/enforce" in o["metadata"]["labels"]
    )
    settings = yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]
    destination = rendered.applications()[f"gene-api-{env}"]["spec"]["destination"]["namespace"]
    assert namespace["metadata"]["name"] == settings["namespace"] == destination
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_karpenter_node_pools_use_the_node_class_and_the_cluster_secrets_facts(rendered):
    env = rendered.env
    platform = by_kind(rendered, f"platform-{env}")
    classes = {name for kind, name in platform if kind == "EC2NodeClass"}
    pools = [obj for (kind, _), obj in platform.items() if kind == "NodePool"]
    assert pools
    for pool in pools:
        assert pool["spec"]["template"]["spec"]["nodeClassRef"]["name"] in classes
    annotations = cluster_secret_stand_in(env)["metadata"]["annotations"]
    node_class = platform[("EC2NodeClass", "default")]["spec"]
    assert node_class["role"] == annotations["karpenter_node_role"]
    assert node_class["subnetSelectorTerms"] == [
        {"tags": {"karpenter.sh/discovery": annotations["aws_cluster_name"]}}
    ]
    controller = by_kind(rendered, f"karpenter-{env}")[("Deployment", "karpenter")]
    env_vars = {
        e["name"]: e.get("value") for e in controller["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert env_vars["CLUSTER_NAME"] == annotations["aws_cluster_name"]
