"""Promotion is one commit of one line; rollback is its `git revert`, after which prod
renders byte-identically to before the promotion."""

import re
from pathlib import Path

import pytest
import yaml

from tests.support.gitops import (
    assert_refused,
    comparable_files,
    git,
    promote_module,
    repository_copy,
    run_command,
)


def tree(folder: Path) -> dict[str, str]:
    """What Argo CD compares: every object, less the fields its Application ignores."""
    return comparable_files(folder)


def set_tag(repo: Path, env: str, tag: str, app: str = "gene-api") -> None:
    path = repo / "environments" / env / "apps" / f"{app}.yaml"
    path.write_text(re.sub(r"(?m)^  tag: .*$", f'  tag: "{tag}"', path.read_text()))


@pytest.fixture
def repo(tmp_path):
    return repository_copy(tmp_path / "repo")


@pytest.mark.parametrize("app", ["gene-api", "web", "worker"])
def test_promote_then_rollback_round_trips(repo, app):
    set_tag(repo, "hml", "0.2.0", app)
    git(repo, "commit", "--quiet", "-am", f"hml runs {app} 0.2.0")
    before = git(repo, "rev-parse", "HEAD").strip()

    promoted = run_command("promote", app, "--from", "hml", "--to", "prod", cwd=repo)
    assert promoted.returncode == 0, promoted.stderr
    # The image's line, and where it came from: hml's newest commit that changed its file.
    assert git(repo, "show", "--numstat", "--format=", "HEAD").split() == [
        "1",
        "1",
        f"environments/prod/apps/{app}.yaml",
        "1",
        "1",
        "environments/prod/env.yaml",
    ]
    origins = yaml.safe_load((repo / "environments/prod/env.yaml").read_text())["environment"]["imageOrigins"]
    assert origins[app] == f"promoted from hml at {before}"
    message = git(repo, "log", "-1", "--format=%s", "HEAD").strip()
    assert message == f"promote {app} to prod: tag 0.1.0 -> tag 0.2.0 (from hml)"

    rolled = run_command("rollback", app, "prod", cwd=repo)
    assert rolled.returncode == 0, rolled.stderr
    assert f"### {app}-prod (prod, changed)" in rolled.stdout
    assert f"sync {app}-prod from the Argo CD UI or CLI" in rolled.stdout
    # Its rendered diff: the promoted image goes, the one before comes back.
    changed = [line.replace(" ", "") for line in rolled.stdout.splitlines() if line.startswith(("-", "+"))]
    assert any(line.startswith("-image:") and line.endswith(f"/chr21/{app}:0.2.0") for line in changed)
    assert any(line.startswith("+image:") and line.endswith(f"/chr21/{app}:0.1.0") for line in changed)
    assert git(repo, "log", "-1", "--format=%s").startswith(f'Revert "promote {app} to prod')
    # prod's files are as before the promotion, byte for byte: so is what prod renders, a render
    # being a function of the files (test_helm_versions: two renders are the same).
    assert git(repo, "diff", before, "HEAD", "--", "environments", "argocd", "charts") == ""


def test_after_a_rollback_prod_renders_as_before_the_promotion(repo, tmp_path):
    first = tmp_path / "first"
    assert run_command("render", "prod", str(first), cwd=repo).returncode == 0
    set_tag(repo, "hml", "0.2.0")
    git(repo, "commit", "--quiet", "-am", "hml runs gene-api 0.2.0")
    promote_module.promote("gene-api", "hml", "prod", repo=repo)  # its own diff: tested above
    after = tmp_path / "after"
    assert run_command("render", "prod", str(after), cwd=repo).returncode == 0
    assert tree(after) != tree(first)
    assert b"/chr21/gene-api:0.2.0" in (after / "gene-api-prod" / "manifests.yaml").read_bytes()
    git(repo, "revert", "--no-edit", "HEAD")
    final = tmp_path / "final"
    assert run_command("render", "prod", str(final), cwd=repo).returncode == 0
    assert tree(final) == tree(first)


def test_diff_shows_only_the_promoted_application(repo):
    set_tag(repo, "hml", "0.3.0")
    git(repo, "commit", "--quiet", "-am", "hml runs gene-api 0.3.0")
    promote_module.promote("gene-api", "hml", "prod", repo=repo)
    diff = run_command("diff", "HEAD~1", "HEAD", cwd=repo)
    assert diff.returncode == 0, diff.stderr
    assert "1 Application(s) changed." in diff.stdout
    assert "### gene-api-prod (prod, changed)" in diff.stdout
    changed = [line for line in diff.stdout.splitlines() if line.startswith(("-  ", "+  "))]
    image = "image: 222222222222.dkr.ecr.eu-west-1.amazonaws.com/chr21/gene-api"
    stripped = {line[0] + line[1:].strip() for line in changed}
    assert {f"-{image}:0.1.0", f"+{image}:0.3.0"} <= stripped
    unchanged = run_command("diff", "HEAD", "HEAD", "hml", cwd=repo)
    assert "No Application changes in hml." in unchanged.stdout


def test_a_second_rollback_reverts_the_promotion_before(repo):
    # The history is what is tested here (the commands' rendered diffs are tested above).
    for tag in ("0.2.0", "0.3.0"):
        set_tag(repo, "hml", tag)
        git(repo, "commit", "--quiet", "-am", f"hml runs {tag}")
        promote_module.promote("gene-api", "hml", "prod", repo=repo)
    for expected in ("0.2.0", "0.1.0"):
        promote_module.rollback("gene-api", "prod", repo=repo)
        assert f'tag: "{expected}"' in (repo / "environments" / "prod" / "apps" / "gene-api.yaml").read_text()
    nothing = run_command("rollback", "gene-api", "prod", cwd=repo)
    assert nothing.returncode == 1
    assert "no promotion of gene-api to prod left to roll back" in nothing.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["gene-api", "--from", "hml", "--to", "prod"], "already runs tag 0.1.0: nothing to promote"),
        (
            ["webapp", "--from", "hml", "--to", "prod"],
            "unknown 'webapp' in hml: neither an app (gene-api, web, worker), an add-on (argo-cd,",
        ),
        (["gene-api", "--from", "hml", "--to", "staging"], "unknown environment 'staging'; known: hml, prod"),
        (["gene-api", "--from", "prod", "--to", "prod"], "--from and --to name the same environment"),
    ],
)
def test_promote_refuses_with_a_clear_message(repo, args, says):
    before = git(repo, "rev-parse", "HEAD")
    assert_refused(run_command("promote", *args, cwd=repo), says)
    assert git(repo, "rev-parse", "HEAD") == before


def test_promote_refuses_a_dirty_tree(repo):
    set_tag(repo, "hml", "0.2.0")
    result = run_command("promote", "gene-api", "--from", "hml", "--to", "prod", cwd=repo)
    assert result.returncode == 1
    assert "uncommitted changes" in result.stderr


def test_promoting_a_digest_replaces_the_tag_line(repo):
    path = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    digest = "sha256:" + "b" * 64
    path.write_text(path.read_text().replace('tag: "0.1.0"', f"digest: {digest}"))
    git(repo, "commit", "--quiet", "-am", "hml runs a digest")
    assert run_command("promote", "gene-api", "--from", "hml", "--to", "prod", cwd=repo).returncode == 0
    assert git(repo, "show", "--numstat", "--format=", "HEAD").split()[:2] == ["1", "1"]
    assert (
        f'  digest: "{digest}"\n' in (repo / "environments" / "prod" / "apps" / "gene-api.yaml").read_text()
    )


def test_diff_of_an_unknown_environment_is_refused(repo):
    result = run_command("diff", "HEAD", "HEAD", "staging", cwd=repo)
    assert result.returncode == 1
    assert "unknown environment 'staging'; known: hml, prod" in result.stderr


def test_diff_against_a_ref_before_the_environments_existed_shows_them_added(repo):
    (repo / "argocd" / "cluster-secrets" / "prod.yaml").unlink()
    git(repo, "commit", "--quiet", "-am", "prod not yet bootstrapped")
    git(repo, "revert", "--no-edit", "HEAD")
    result = run_command("diff", "HEAD~1", "HEAD", "prod", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "### gene-api-prod (prod, added)" in result.stdout
