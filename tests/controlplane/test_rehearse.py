"""gitops rehearse catches what only an API server and its controllers decide. One copy of the
repository carries one fault per test below, each in an object of its own so that none hides
another; the copy's hml is rehearsed once (after the unchanged repository's, as an upgrade
would be: the Applications concerned only) and each test finds its fault refused, naming the
Application and the object. Both environments rehearse clean at HEAD:
tests/gitops/test_rehearse_environments.py."""

from pathlib import Path

import pytest

from tests.support.gitops import controlplane, rehearse, render_environment, repository_copy

APPLICATIONS = ["karpenter-crd-hml", "karpenter-hml", "platform-hml", "gene-api-hml", "web-hml"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def make_faults(repo: Path) -> None:
    # A NodePool requirement Karpenter's CRD refuses by a CEL rule (x-kubernetes-validations).
    edit(
        repo / "charts/platform/templates/karpenter.yaml",
        "      requirements:\n",
        "      requirements:\n        - {key: kubernetes.io/hostname, operator: In, values: [one]}\n",
    )
    # The pod spec and the selector are common's (common.deployment): each fault is in one
    # chart's only.
    workload = repo / "charts/common/templates/_workload.tpl"
    # web's Pods on the host's network: the restricted Pod Security level of chr21 refuses them.
    edit(
        workload,
        "      automountServiceAccountToken:",
        '      {{- if eq $.Chart.Name "web" }}\n      hostNetwork: true\n      {{- end }}\n'
        "      automountServiceAccountToken:",
    )
    # gene-api's selector changed: immutable once the Deployment exists.
    selector = '      {{- include "common.selectorLabels" $ | nindent 6 }}\n'
    tier = '      {{- if eq $.Chart.Name "gene-api" }}\n      tier: api\n      {{- end }}\n'
    edit(workload, selector, selector + tier)
    labels = '        {{- include "common.labels" $ | nindent 8 }}\n'
    tier = '        {{- if eq $.Chart.Name "gene-api" }}\n        tier: api\n        {{- end }}\n'
    edit(workload, labels, labels + tier)
    # gene-api's Pods name a ConfigMap nothing provides.
    volume = '(dict "name" "extra" "configMap" (dict "name" "gene-api-nowhere")) '
    edit(repo / "charts/gene-api/templates/deployment.yaml", '"volumes" (list ', '"volumes" (list ' + volume)
    # The migration Jobs changed, as hooks that are not replaced (HookSucceeded only): a Job's
    # template is immutable, and the one an earlier sync left is there still.
    library = repo / "charts/common/templates/_objects.tpl"
    edit(
        library,
        '    {{- include "common.argocdHook" (dict "wave" "0") | nindent 4 }}\n',
        "    argocd.argoproj.io/hook: PreSync\n"
        "    argocd.argoproj.io/hook-delete-policy: HookSucceeded\n"
        '    argocd.argoproj.io/sync-wave: "0"\n',
    )
    pod_labels = (
        '{{- include "common.componentLabels" (dict "context" $context "component" "migration")'
        " | nindent 8 }}\n"
    )
    edit(library, pod_labels, pod_labels + "        tier: migrate\n")
    # karpenter's chart renders the CRDs karpenter-crd owns.
    edit(repo / "argocd/platform/addons-applicationset.yaml", "            skipCrds: true\n", "")


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Application => refused object => the API server's (or the rehearsal's) message."""
    scratch = tmp_path_factory.mktemp("rehearse")
    base = repository_copy(scratch / "base")
    faulty = repository_copy(scratch / "faulty")
    make_faults(faulty)

    def render(source: Path, out: Path) -> list:
        render_environment("hml", out, None, progress=lambda _: None, git_repo=source)
        return [a for a in rehearse.load_rendered(out) if a.name in APPLICATIONS]

    head, before = render(faulty, scratch / "rendered-faulty"), render(base, scratch / "rendered-base")
    with controlplane.running() as plane:
        result = rehearse.rehearse(rehearse.Api(plane.api), head, before, progress=lambda _: None)
    return {name: dict(outcome.refused) for name, outcome in result.outcomes.items()}


def test_a_custom_resource_breaking_a_crds_cel_rule_is_refused(refused):
    assert 'label "kubernetes.io/hostname" is restricted' in refused["platform-hml"]["NodePool general"]


def test_pods_the_namespaces_pod_security_level_refuses_are_refused(refused):
    """Checked on the Pods the ReplicaSet controller creates: the Deployment itself is admitted."""
    assert "Deployment chr21/web" not in refused["web-hml"]
    pods = refused["web-hml"]["Deployment chr21/web (its Pods)"]
    assert 'violates PodSecurity "restricted:latest": host namespaces' in pods


def test_an_upgrade_changing_an_immutable_field_is_refused(refused):
    assert "field is immutable" in refused["gene-api-hml"]["Deployment chr21/gene-api"]


def test_an_upgrade_changing_a_jobs_template_without_replacing_the_hook_is_refused(refused):
    assert "field is immutable" in refused["web-hml"]["Job chr21/web-migrate"]


def test_an_object_two_applications_render_is_refused_in_both(refused):
    shared = "CustomResourceDefinition nodepools.karpenter.sh (shared)"
    assert refused["karpenter-hml"][shared] == "also rendered by karpenter-crd-hml"
    assert refused["karpenter-crd-hml"][shared] == "also rendered by karpenter-hml"


def test_a_reference_nothing_provides_is_refused(refused):
    message = refused["gene-api-hml"]["Deployment chr21/gene-api -> ConfigMap gene-api-nowhere"]
    assert "no Application and no ExternalSecret provides it" in message
