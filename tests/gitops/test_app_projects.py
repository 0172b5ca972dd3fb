"""Every object of every rendered Application is one its AppProject allows, as Argo CD checks
at sync: each source's repository is in sourceRepos, each namespaced object's namespace is
a destination of that cluster, each cluster-scoped kind is on clusterResourceWhitelist, and
no namespaced kind is on namespaceResourceBlacklist. A refusal names the Application and
the object."""

from fnmatch import fnmatchcase

import yaml

from tests.support.paths import REPO

# Kubernetes' built-in cluster-scoped kinds (group, kind); a CRD's scope comes from the CRD.
BUILT_IN_CLUSTER_SCOPED = {
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("apiregistration.k8s.io", "APIService"),
    ("networking.k8s.io", "IngressClass"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("node.k8s.io", "RuntimeClass"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
}


def projects() -> dict[str, dict]:
    docs = yaml.safe_load_all((REPO / "argocd" / "platform" / "projects.yaml").read_text())
    return {d["metadata"]["name"]: d["spec"] for d in docs if d and d["kind"] == "AppProject"}


def group_kind(obj: dict) -> tuple[str, str]:
    return obj["apiVersion"].rpartition("/")[0], obj["kind"]


def cluster_scoped_kinds(objects: list[dict]) -> set[tuple[str, str]]:
    """Built-in ones, and those of every CRD rendered anywhere in the environment."""
    return BUILT_IN_CLUSTER_SCOPED | {
        (crd["spec"]["group"], crd["spec"]["names"]["kind"])
        for crd in objects
        if crd["kind"] == "CustomResourceDefinition" and crd["spec"]["scope"] == "Cluster"
    }


def matches(rules: list[dict], group: str, kind: str) -> bool:
    return any(fnmatchcase(group, r.get("group", "")) and fnmatchcase(kind, r["kind"]) for r in rules)


def refusals(application: dict, objects: list[dict], cluster_scoped: set, project: dict) -> list[str]:
    name = application["metadata"]["name"]
    destination = application["spec"]["destination"]
    found = []
    for source in application["spec"]["sources"]:
        if not any(fnmatchcase(source["repoURL"], pattern) for pattern in project["sourceRepos"]):
            found.append(f"{name}: source {source['repoURL']} is not in sourceRepos")
    for obj in objects:
        group, kind = group_kind(obj)
        what = f"{name}: {kind} {obj['metadata']['name']}"
        if (group, kind) in cluster_scoped:
            if not matches(project.get("clusterResourceWhitelist", []), group, kind):
                found.append(
                    f"{what}: cluster-scoped {group or 'core'}/{kind} is not on clusterResourceWhitelist"
                )
            continue
        namespace = obj["metadata"].get("namespace") or destination["namespace"]
        allowed = any(
            fnmatchcase(destination["name"], d.get("name", "*")) and fnmatchcase(namespace, d["namespace"])
            for d in project["destinations"]
        )
        if not allowed:
            found.append(f"{what}: namespace {namespace} is not a destination")
        if matches(project.get("namespaceResourceBlacklist", []), group, kind):
            found.append(f"{what}: {kind} is on namespaceResourceBlacklist")
    return found


def test_every_rendered_object_is_allowed_by_its_project(rendered):
    applications = rendered.applications()
    objects = {name: rendered.objects(name) for name in applications}
    cluster_scoped = cluster_scoped_kinds([o for listed in objects.values() for o in listed])
    every_project = projects()
    found = []
    for name, application in applications.items():
        project = every_project[application["spec"]["project"]]
        found += refusals(application, objects[name], cluster_scoped, project)
    assert found == [], "\n".join(found)


def test_a_kind_the_project_refuses_is_named():
    """The check itself can fail: an app that renders a ClusterRole is refused by platform-apps."""
    application = {
        "metadata": {"name": "gene-api-hml"},
        "spec": {
            "project": "platform-apps",
            "destination": {"name": "chr21-hml", "namespace": "chr21"},
            "sources": [{"repoURL": "https://example.org/elsewhere.git"}],
        },
    }
    objects = [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "admin-ish"},
        },
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "kube-system"}},
        {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"}},
    ]
    found = refusals(application, objects, BUILT_IN_CLUSTER_SCOPED, projects()["platform-apps"])
    assert found == [
        "gene-api-hml: source https://example.org/elsewhere.git is not in sourceRepos",
        "gene-api-hml: ClusterRole admin-ish: cluster-scoped rbac.authorization.k8s.io/ClusterRole "
        "is not on clusterResourceWhitelist",
        "gene-api-hml: ConfigMap x: namespace kube-system is not a destination",
        "gene-api-hml: ResourceQuota q: ResourceQuota is on namespaceResourceBlacklist",
    ]
