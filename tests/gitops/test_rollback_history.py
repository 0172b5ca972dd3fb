"""gitops rollback decides what is live from the environment file's history and content,
not from "This reverts commit" lines alone."""

import re
from pathlib import Path

import pytest

from tests.support.gitops import git, promote_module, repository_copy, run_command


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def prod_tag(repo: Path) -> str:
    text = (repo / "environments" / "prod" / "apps" / "gene-api.yaml").read_text()
    return re.search(r'(?m)^  tag: "(.*)"$', text)[1]


def promote_to_prod(repo: Path, tag: str) -> None:
    path = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    path.write_text(re.sub(r'(?m)^  tag: ".*"$', f'  tag: "{tag}"', path.read_text()))
    git(repo, "commit", "--quiet", "-am", f"hml runs {tag}")
    # The history is what is tested here: the command's rendered diff is test_promotion's.
    promote_module.promote("gene-api", "hml", "prod", repo=repo)


def test_a_reapplied_promotion_is_live_again(repo):
    promote_to_prod(repo, "0.2.0")
    promote_module.rollback("gene-api", "prod", repo=repo)
    assert prod_tag(repo) == "0.1.0"
    git(repo, "revert", "--no-edit", "HEAD")  # on-call re-applies the promotion
    assert prod_tag(repo) == "0.2.0"
    promote_module.rollback("gene-api", "prod", repo=repo)
    assert prod_tag(repo) == "0.1.0"


def test_what_prod_runs_decides_not_the_newest_promotion(repo):
    promote_to_prod(repo, "0.2.0")
    # A hand edit sets prod to what no promotion brought: nothing to roll back by revert.
    path = repo / "environments" / "prod" / "apps" / "gene-api.yaml"
    path.write_text(path.read_text().replace('tag: "0.2.0"', 'tag: "0.2.1"'))
    git(repo, "commit", "--quiet", "-am", "hotfix by hand")
    result = run_command("rollback", "gene-api", "prod", cwd=repo)
    assert result.returncode == 1
    assert "prod runs tag 0.2.1, which no promotion set" in result.stderr
    assert prod_tag(repo) == "0.2.1"


def test_a_failure_after_the_commit_says_what_was_committed_and_what_to_do(repo):
    promote_to_prod(repo, "0.2.0")
    # Break what prod's rendered diff needs, after the promotion: the revert still applies.
    web = repo / "environments" / "prod" / "apps" / "web.yaml"
    web.write_text(web.read_text() + "notAValue: true\n")  # the chart's schema refuses it
    git(repo, "commit", "--quiet", "-am", "a value web's chart refuses")
    result = run_command("rollback", "gene-api", "prod", cwd=repo)
    assert result.returncode == 1
    (line,) = [x for x in result.stderr.splitlines() if "error:" in x]
    revert = git(repo, "rev-parse", "--short=12", "HEAD").strip()
    assert f"committed {revert}" in line
    assert "do not run rollback again" in line
    assert f"gitops diff {revert}~1 {revert} prod" in line
    assert prod_tag(repo) == "0.1.0"
    assert git(repo, "status", "--porcelain") == ""
