"""What a user names reaches git and helm only once checked: refs that look like options,
environments and apps that do not exist, and malformed files end in one line on stderr and
exit 1, never a traceback, and change nothing."""

from pathlib import Path

import pytest

from tests.support.gitops import git, repository_copy, run_command


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def assert_one_line_error(result, says: str) -> None:
    assert result.returncode == 1, result.stdout
    assert says in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["render", "hml", "out", "--ref=--output={victim}"],
        ["diff", "--", "--output={victim}", "HEAD"],
        ["diff", "HEAD", "--output={victim}"],
    ],
)
def test_a_ref_that_looks_like_an_option_never_reaches_git(repo, tmp_path, command):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    result = run_command(*[part.format(victim=victim) for part in command], cwd=repo)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert victim.read_text() == "precious"


def test_an_unknown_ref_is_named(repo):
    assert_one_line_error(
        run_command("diff", "no-such-branch", "HEAD", cwd=repo), "unknown git ref 'no-such-branch'"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["render", "prod/", "out"],
        ["render", "../prod", "out"],
        ["diff", "HEAD", "HEAD", "prod/"],
        ["promote", "gene-api", "--from", "hml", "--to", "prod/"],
        ["promote", "gene-api", "--from", "hml/", "--to", "prod"],
        ["rollback", "gene-api", "prod/"],
    ],
)
def test_environment_names_are_checked_the_same_everywhere(repo, command):
    before = git(repo, "rev-parse", "HEAD")
    assert_one_line_error(run_command(*command, cwd=repo), "unknown environment")
    assert git(repo, "rev-parse", "HEAD") == before


@pytest.mark.parametrize("app", ["gene-api/", "../gene-api", "GENE-API", "gene api"])
def test_app_names_are_checked(repo, app):
    assert_one_line_error(
        run_command("promote", app, "--from", "hml", "--to", "prod", cwd=repo), f"unknown {app!r} in hml"
    )
    assert_one_line_error(run_command("rollback", app, "prod", cwd=repo), f"unknown {app!r} in prod")


def break_file(repo: Path, relative: str, text: str) -> None:
    (repo / relative).write_text(text)
    git(repo, "commit", "--quiet", "-am", f"break {relative}")


@pytest.mark.parametrize(
    ("relative", "text", "command", "says"),
    [
        (
            "environments/prod/apps/gene-api.yaml",
            "image: [unclosed\n",
            ["promote", "gene-api", "--from", "hml", "--to", "prod"],
            "environments/prod/apps/gene-api.yaml:2: malformed YAML",
        ),
        (
            "environments/hml/env.yaml",
            "environment: {name: hml\n",
            ["render", "hml", "{out}"],
            "malformed YAML",
        ),
        ("argocd/cluster-secrets/hml.yaml", "metadata: [\n", ["render", "hml", "{out}"], "malformed YAML"),
        (
            "argocd/cluster-secrets/hml.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: hml}\n",
            ["render", "hml", "{out}"],
            "the cluster secret lacks",
        ),
        (
            "argocd/platform/apps-applicationset.yaml",
            "kind: [\n",
            ["render", "hml", "{out}"],
            "malformed YAML",
        ),
        (
            "argocd/platform/apps-applicationset.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: apps}\nspec: {}\n",
            ["render", "hml", "{out}"],
            "ApplicationSet apps",
        ),
        (
            "charts/gene-api/Chart.yaml",
            "apiVersion: v2\nname: gene-api\nversion: 0.1.0\n"
            "dependencies: [{name: common, version: 9.9.9, repository: file://../nowhere}]\n",
            ["render", "hml", "{out}"],
            "gene-api-hml: helm dependency build charts/gene-api",
        ),
    ],
)
def test_malformed_files_are_one_line_naming_the_file(repo, tmp_path, relative, text, command, says):
    break_file(repo, relative, text)
    out = str(tmp_path / "out")
    assert_one_line_error(run_command(*[part.format(out=out) for part in command], cwd=repo), says)
    assert not Path(out).exists()
