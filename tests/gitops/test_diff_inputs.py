"""gitops diff renders only the environments whose inputs changed between the two refs (the
ApplicationSets and cluster secrets under argocd/, the environment's own folder, the charts at
the commit it pins):
the others render the same at both and are left out, which is most of a promotion's diff time."""

from pathlib import Path

import pytest

from tests.support.gitops import git, repository_copy, run_command


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return repository_copy(tmp_path_factory.mktemp("diff") / "repo")


def commit(repo: Path, path: str, text: str) -> None:
    target = repo / path
    target.write_text(target.read_text() + text)
    git(repo, "commit", "--quiet", "-am", f"change {path}")


def test_a_change_outside_the_inputs_renders_nothing(repo):
    commit(repo, "README.md", "\nA line.\n")
    result = run_command("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "hml has the same inputs at both refs" in result.stderr
    assert "prod has the same inputs at both refs" in result.stderr
    assert "rendering" not in result.stderr


def test_an_environments_change_renders_that_environment_only(repo):
    commit(repo, "environments/prod/apps/worker.yaml", "# a comment\n")
    result = run_command("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "hml has the same inputs at both refs" in result.stderr
    assert "diff: rendering prod at HEAD~1" in result.stderr


def test_a_charts_change_renders_the_environments_that_follow_the_branch_only(repo):
    commit(repo, "charts/web/values.yaml", "# a comment\n")
    result = run_command("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    # prod pins its charts (chartsRevision): a chart change reaches it by promotion only.
    assert "prod has the same inputs at both refs" in result.stderr
    assert "diff: rendering hml at HEAD" in result.stderr.splitlines()
