"""scripts/rehearse: what an environment renders, synced into a fresh control plane as Argo CD
would sync it. Both environments rehearse clean at HEAD; and each fault below, made in a copy of
the repository, is refused by the API server or its controllers, naming the Application and the
object (a rehearsal of the Applications concerned: the others add nothing to it)."""

import re
from pathlib import Path

import pytest

from tests.support.gitops import (
    controlplane,
    environments,
    rehearse,
    render_environment,
    repository_copy,
    run_script,
)
from tests.support.paths import REPO


@pytest.mark.parametrize("env", environments(REPO))
def test_each_environment_rehearses_clean_at_head(env):
    result = run_script("rehearse", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"## Rehearsal of {env} on a real API server" in result.stdout
    rows = re.findall(rf"^\| (\S+-{env}) \| (\d+) \| 0 \| \d+ \|$", result.stdout, re.M)
    assert len(rows) == len(list((REPO / "environments" / env / "apps").glob("*.yaml"))) + 9
    assert all(int(applied) > 0 for _, applied in rows)
    assert "every object applied" in result.stdout


def rehearsed(repo: Path, names: list[str], tmp_path: Path, base: Path | None = None) -> rehearse.Rehearsal:
    """Rehearse the named Applications of hml as rendered from `repo`'s working tree (after
    those of `base`'s, for an upgrade)."""

    def render(source: Path, out: Path) -> list:
        render_environment("hml", out, None, progress=lambda _: None, git_repo=source)
        return [a for a in rehearse.load_rendered(out) if a.name in names]

    head = render(repo, tmp_path / "rendered-head")
    before = render(base, tmp_path / "rendered-base") if base else None
    with controlplane.running() as plane:
        return rehearse.rehearse(rehearse.Api(plane.api), head, before, progress=lambda _: None)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def refusals(result: rehearse.Rehearsal, app: str) -> dict[str, str]:
    return result.outcomes[app].refused


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def test_a_custom_resource_breaking_a_crds_cel_rule_is_refused(repo, tmp_path):
    edit(
        repo / "charts/platform/templates/karpenter.yaml",
        "      requirements:\n",
        "      requirements:\n        - {key: kubernetes.io/hostname, operator: In, values: [one]}\n",
    )
    result = rehearsed(repo, ["karpenter-crd-hml", "platform-hml"], tmp_path)
    assert (
        'label "kubernetes.io/hostname" is restricted' in refusals(result, "platform-hml")["NodePool general"]
    )


def test_pods_the_namespaces_pod_security_level_refuses_are_refused(repo, tmp_path):
    """Checked on the Pods the ReplicaSet controller creates: the Deployment itself is admitted."""
    edit(
        repo / "charts/gene-api/templates/deployment.yaml",
        "      automountServiceAccountToken:",
        "      hostNetwork: true\n      automountServiceAccountToken:",
    )
    result = rehearsed(repo, ["platform-hml", "gene-api-hml"], tmp_path)
    refused = refusals(result, "gene-api-hml")
    assert "Deployment chr21/gene-api" not in refused
    assert (
        'violates PodSecurity "restricted:latest": host namespaces'
        in refused["Deployment chr21/gene-api (its Pods)"]
    )


def test_an_upgrade_changing_an_immutable_field_is_refused(repo, tmp_path):
    base = repository_copy(tmp_path / "base")
    edit(
        repo / "charts/gene-api/templates/deployment.yaml",
        '      {{- include "common.selectorLabels" . | nindent 6 }}\n',
        '      {{- include "common.selectorLabels" . | nindent 6 }}\n      tier: api\n',
    )
    edit(
        repo / "charts/gene-api/templates/deployment.yaml",
        '        {{- include "common.labels" . | nindent 8 }}\n',
        '        {{- include "common.labels" . | nindent 8 }}\n        tier: api\n',
    )
    result = rehearsed(repo, ["platform-hml", "gene-api-hml"], tmp_path, base=base)
    assert "field is immutable" in refusals(result, "gene-api-hml")["Deployment chr21/gene-api"]


def test_an_object_two_applications_render_is_refused_in_both(repo, tmp_path):
    edit(repo / "argocd/platform/addons-applicationset.yaml", "            skipCrds: true\n", "")
    result = rehearsed(repo, ["karpenter-crd-hml", "karpenter-hml"], tmp_path)
    shared = "CustomResourceDefinition nodepools.karpenter.sh (shared)"
    assert refusals(result, "karpenter-hml")[shared] == "also rendered by karpenter-crd-hml"
    assert refusals(result, "karpenter-crd-hml")[shared] == "also rendered by karpenter-hml"


def test_a_reference_nothing_provides_is_refused(repo, tmp_path):
    edit(
        repo / "charts/gene-api/templates/deployment.yaml",
        "      volumes:\n",
        "      volumes:\n        - {name: extra, configMap: {name: gene-api-nowhere}}\n",
    )
    result = rehearsed(repo, ["platform-hml", "gene-api-hml"], tmp_path)
    assert (
        "no Application and no ExternalSecret provides it"
        in (refusals(result, "gene-api-hml")["Deployment chr21/gene-api -> ConfigMap gene-api-nowhere"])
    )
