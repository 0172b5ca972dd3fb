"""Everything both environments share is staged: a change to the charts (an app chart,
charts/common, charts/platform) or an add-on's chart version reaches hml first, and prod only
by a promotion commit (gitops promote charts|ADDON) that gitops rollback reverts, after
which prod renders as before, object for object."""

import tarfile
from pathlib import Path

import pytest
import yaml

from tests.support.gitops import applications, comparable_files, git, repository_copy, run_command
from tests.support.paths import REPO, helm_charts_dir

STAGED = """apiVersion: v1
kind: ConfigMap
metadata:
  name: staged-change
data:
  note: a chart change
"""


@pytest.fixture
def repo(tmp_path):
    return repository_copy(tmp_path / "repo")


def render(repo: Path, env: str, out: Path, charts: Path | None = None) -> dict[str, str]:
    """What Argo CD compares, per rendered file of every Application of `env`."""
    extra = {"HELM_CHARTS_DIR": str(charts)} if charts else None
    result = run_command("render", env, str(out), cwd=repo, env=extra)
    assert result.returncode == 0, result.stderr
    return comparable_files(out)


def settings(repo: Path, env: str) -> dict:
    return yaml.safe_load((repo / "environments" / env / "env.yaml").read_text())["environment"]


def test_hml_follows_the_branch_and_prod_pins_a_commit_of_its_history():
    assert settings(REPO, "hml")["chartsRevision"] == ""
    pinned = settings(REPO, "prod")["chartsRevision"]
    assert len(pinned) == 40
    # Argo CD fetches it from the branch: it must be on the branch's history.
    git(REPO, "merge-base", "--is-ancestor", pinned, "HEAD")


def prod_is_not_rendered(repo: Path, extra: dict | None = None) -> None:
    """gitops diff finds prod's inputs (its folder, argocd/, charts/ at the commit it pins) the
    same before and after the last commit: prod renders as before, with no render needed."""
    result = run_command("diff", "HEAD~1", "HEAD", cwd=repo, env=extra)
    assert result.returncode == 0, result.stderr
    assert "prod has the same inputs at both refs; nothing to render" in result.stderr


def test_a_chart_change_reaches_hml_and_reaches_prod_only_when_promoted(repo, tmp_path):
    (repo / "charts" / "web" / "templates" / "staged.yaml").write_text(STAGED)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a chart change")
    before_promotion = git(repo, "rev-parse", "HEAD").strip()

    hml = render(repo, "hml", tmp_path / "hml")
    assert "name: staged-change" in hml["web-hml/manifests.yaml"]
    prod_is_not_rendered(repo)

    promoted = run_command("promote", "charts", "--from", "hml", "--to", "prod", cwd=repo)
    assert promoted.returncode == 0, promoted.stderr
    changed = git(repo, "show", "--numstat", "--format=", "HEAD").split()
    assert changed == ["1", "1", "environments/prod/env.yaml"]
    assert settings(repo, "prod")["chartsRevision"] == before_promotion
    # The promotion's rendered diff: prod renders the change now; web-prod is to be synced.
    assert "### web-prod (prod, changed)" in promoted.stdout
    assert "+  name: staged-change" in promoted.stdout
    assert "web-prod" in promoted.stdout.split("Next: push this commit; sync ")[1]

    rolled = run_command("rollback", "charts", "prod", cwd=repo)
    assert rolled.returncode == 0, rolled.stderr
    assert "-  name: staged-change" in rolled.stdout
    # prod's files are as before the promotion, byte for byte, and so is what it renders (a
    # render is a function of the files: tests/gitops/test_helm_versions.py).
    assert git(repo, "diff", before_promotion, "HEAD") == ""


def chart_archives_with(tmp_path: Path, chart: str, version: str, new_version: str) -> Path:
    """The chart archives, plus `chart` repackaged as `new_version` (an upgrade, for the test)."""
    folder = tmp_path / "charts"
    folder.mkdir()
    for archive in helm_charts_dir().glob("*.tgz"):
        (folder / archive.name).symlink_to(archive)
    unpacked = tmp_path / "unpacked"
    with tarfile.open(helm_charts_dir() / f"{chart}-{version}.tgz") as tar:
        tar.extractall(unpacked, filter="data")
    manifest = unpacked / chart / "Chart.yaml"
    manifest.write_text(manifest.read_text().replace(f"version: {version}", f"version: {new_version}"))
    with tarfile.open(folder / f"{chart}-{new_version}.tgz", "w:gz") as tar:
        tar.add(unpacked / chart, arcname=chart)
    return folder


def set_addon_version(repo: Path, env: str, addon: str, version: str) -> None:
    path = repo / "environments" / env / "env.yaml"
    old = settings(repo, env)["addonVersions"][addon]
    path.write_text(path.read_text().replace(f'    {addon}: "{old}"', f'    {addon}: "{version}"'))
    assert settings(repo, env)["addonVersions"][addon] == version


def test_an_addon_upgrade_reaches_hml_and_reaches_prod_only_when_promoted(repo, tmp_path):
    charts = chart_archives_with(tmp_path, "metrics-server", "3.13.1", "3.13.2")
    archives = {"HELM_CHARTS_DIR": str(charts)}
    set_addon_version(repo, "hml", "metrics-server", "3.13.2")
    git(repo, "commit", "--quiet", "-am", "hml: metrics-server 3.13.2")
    before_promotion = git(repo, "rev-parse", "HEAD").strip()

    hml = render(repo, "hml", tmp_path / "hml", charts)
    assert "helm.sh/chart: metrics-server-3.13.2" in hml["metrics-server-hml/manifests.yaml"]
    prod_is_not_rendered(repo, archives)

    to_prod = ["--from", "hml", "--to", "prod"]
    promoted = run_command("promote", "metrics-server", *to_prod, cwd=repo, env=archives)
    assert promoted.returncode == 0, promoted.stderr
    assert git(repo, "log", "-1", "--format=%B").splitlines()[:3] == [
        "promote metrics-server to prod: 3.13.1 -> 3.13.2 (from hml)",
        "",
        "Promoted-Addon: metrics-server",
    ]
    assert "### metrics-server-prod (prod, changed)" in promoted.stdout
    assert "+    helm.sh/chart: metrics-server-3.13.2" in promoted.stdout

    rolled = run_command("rollback", "metrics-server", "prod", cwd=repo, env=archives)
    assert rolled.returncode == 0, rolled.stderr
    assert "-    helm.sh/chart: metrics-server-3.13.2" in rolled.stdout
    assert git(repo, "diff", before_promotion, "HEAD") == ""


@pytest.mark.parametrize(
    ("version", "says"),
    [
        ("3.13", "is not a chart version"),
        ("latest", "is not a chart version"),
        ('"3.13.2; rm -rf /"', "is not a chart version"),
    ],
)
def test_an_addon_version_outside_semver_is_refused(repo, version, says):
    path = repo / "environments" / "hml" / "env.yaml"
    path.write_text(path.read_text().replace('    keda: "2.20.2"', f"    keda: {version}"))
    git(repo, "commit", "--quiet", "-am", "hml: a keda version")
    head = git(repo, "rev-parse", "HEAD")
    result = run_command("promote", "keda", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head


def test_charts_pinned_to_a_commit_off_the_branch_are_not_promoted(repo):
    git(repo, "switch", "--quiet", "-c", "elsewhere")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "off the branch")
    elsewhere = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "switch", "--quiet", "main")
    path = repo / "environments" / "hml" / "env.yaml"
    path.write_text(path.read_text().replace('  chartsRevision: ""', f'  chartsRevision: "{elsewhere}"'))
    git(repo, "commit", "--quiet", "-am", "hml pins a commit off the branch")
    result = run_command("promote", "charts", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert "which is not in HEAD's history" in result.stderr


# One place states how each environment syncs (env.yaml's syncPolicy), for its apps and add-ons
# alike: automated in hml; in prod by hand (../shared/DESIGN.md). The one exception is the root
# Application (argocd/bootstrap/root-app.yaml), automated everywhere: it holds the gates (the
# AppProjects' roles and sync windows, the ApplicationSets' sync policies) and runs no workload.
SYNC = {"hml": "automated", "prod": "manual"}


@pytest.mark.parametrize("env", sorted(SYNC))
def test_every_application_of_an_environment_syncs_as_its_env_yaml_says(env):
    assert settings(REPO, env)["syncPolicy"] == SYNC[env]
    generated = applications(env)
    assert {a["metadata"]["labels"].get("chr21.io/addon") is not None for a in generated} == {True, False}
    automated = {a["metadata"]["name"]: "automated" in (a["spec"].get("syncPolicy") or {}) for a in generated}
    assert set(automated.values()) == {SYNC[env] == "automated"}, automated
    for app in generated:
        if "automated" in app["spec"]["syncPolicy"]:
            assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}


def test_the_root_application_is_the_one_exception_and_says_why():
    root = yaml.safe_load((REPO / "argocd" / "bootstrap" / "root-app.yaml").read_text())
    assert root["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    readme = " ".join((REPO / "argocd" / "README.md").read_text().split())
    assert "the root Application is automated in every environment" in readme


def test_a_promotion_the_target_cannot_render_is_taken_back(repo):
    # A chart change hml renders and prod cannot (as a new value prod's files do not give yet).
    (repo / "charts" / "web" / "templates" / "needs-a-value.yaml").write_text(
        '{{- if not (contains ".hml." .Values.ingress.host) }}{{ fail "a value prod lacks" }}{{- end }}\n'
    )
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a chart change prod cannot render yet")
    head = git(repo, "rev-parse", "HEAD")
    result = run_command("promote", "charts", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert "prod's rendered diff of this promotion failed" in result.stderr
    assert "a value prod lacks" in result.stderr
    assert "nothing was changed" in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


def set_charts_revision(repo: Path, env: str, revision: str) -> None:
    path = repo / "environments" / env / "env.yaml"
    current = settings(repo, env)["chartsRevision"]
    if current == revision:
        return
    path.write_text(
        path.read_text().replace(f'  chartsRevision: "{current}"', f'  chartsRevision: "{revision}"')
    )
    git(repo, "commit", "--quiet", "-am", f"{env}: charts at {revision or 'the branch'}")


def test_any_failure_of_the_promotions_diff_takes_it_back(repo):
    hml = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    hml.write_text(hml.read_text().replace('  tag: "0.1.0"', '  tag: "0.2.0"'))
    git(repo, "commit", "--quiet", "-am", "hml runs gene-api 0.2.0")
    set_charts_revision(repo, "prod", "main")  # Argo CD would follow it; the render refuses it
    head = git(repo, "rev-parse", "HEAD")
    result = run_command("promote", "gene-api", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert "the promotion is taken back, nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("hml", "prod", "says"),
    [
        # prod pinned the charts hml has: nothing changed in charts/ since.
        ("", "last-charts-commit", "charts in prod already runs"),
        # hml pinned older charts than prod runs: going back is a rollback.
        ("root-commit-with-charts", "last-charts-commit", "prod runs charts newer than hml's"),
    ],
)
def test_charts_are_promoted_forward_only(repo, hml, prod, says):
    last = git(repo, "rev-list", "-1", "HEAD", "--", "charts").strip()
    oldest = git(repo, "rev-list", "--reverse", "HEAD", "--", "charts").split()[0]
    pins = {"": "", "last-charts-commit": last, "root-commit-with-charts": oldest}
    set_charts_revision(repo, "prod", pins[prod])
    if pins[hml]:
        set_charts_revision(repo, "hml", pins[hml])
    head = git(repo, "rev-parse", "HEAD")
    result = run_command("promote", "charts", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert says in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head


def test_an_environment_that_follows_the_branch_is_not_pinned_by_a_promotion(repo):
    result = run_command("promote", "charts", "--from", "prod", "--to", "hml", cwd=repo)
    assert result.returncode == 1
    assert "hml follows the branch" in result.stderr


def test_a_pinned_commit_that_does_not_exist_is_named_whole(repo, tmp_path):
    real = settings(repo, "prod")["chartsRevision"]
    typo = real[:-1] + ("0" if real[-1] != "0" else "1")  # differs past the 12 characters shown
    set_charts_revision(repo, "prod", typo)
    result = run_command("render", "prod", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 1
    assert f"pinned to commit {typo}, which cannot be read; no such commit here" in result.stderr
    assert "Traceback" not in result.stderr
