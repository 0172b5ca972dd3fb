"""images matrix and gitops release, the image pipeline's two steps of ours
(.github/workflows/images.yaml): the build matrix is the apps hml runs, each with its Dockerfile
and the repository hml pulls from; a release is one promotion commit per image, setting the
built digest in hml, that gitops rollback reverts like any other; what is not a digest or a
commit id is refused with the tree left as it was."""

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.support.gitops import assert_refused, git, repository_copy, run_command
from tests.support.paths import REPO

DIGEST = "sha256:" + "ab" * 32
BUILT_FROM = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def values(repo: Path, env: str, app: str) -> dict:
    return yaml.safe_load((repo / "environments" / env / "apps" / f"{app}.yaml").read_text())


def test_the_build_matrix_is_what_hml_runs_pushed_where_every_environment_pulls():
    result = run_command("matrix", "hml")
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)["include"]
    apps = sorted(p.stem for p in (REPO / "environments" / "hml" / "apps").glob("*.yaml"))
    assert [entry["app"] for entry in matrix] == apps
    for entry in matrix:
        assert (REPO / entry["dockerfile"]).is_file()
        assert entry["repository"] == values(REPO, "hml", entry["app"])["image"]["repository"]
        everywhere = {values(REPO, env, entry["app"])["image"]["repository"] for env in ("hml", "prod")}
        assert set(entry["repositories"].split()) == everywhere
        assert len(everywhere) == 2  # one registry per account


def test_a_release_is_a_promotion_commit_that_rollback_reverts(repo):
    before = values(repo, "hml", "gene-api")
    result = run_command(
        "release", "gene-api", "hml", "--digest", DIGEST, "--built-from", BUILT_FROM, cwd=repo
    )
    assert result.returncode == 0, result.stderr
    after = values(repo, "hml", "gene-api")
    assert after["image"] == {"repository": before["image"]["repository"], "digest": DIGEST}
    assert {k: v for k, v in after.items() if k != "image"} == {
        k: v for k, v in before.items() if k != "image"
    }
    message = git(repo, "log", "-1", "--format=%B")
    assert f"built from {BUILT_FROM}" in message
    assert {"Promoted-App: gene-api", "Promoted-From: build 0123456789ab", "Promoted-To: hml"} <= set(
        message.splitlines()
    )
    # The image, and where it came from (the Application's info), in one commit.
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "environments/hml/apps/gene-api.yaml",
        "environments/hml/env.yaml",
    ]
    settings = yaml.safe_load((repo / "environments/hml/env.yaml").read_text())["environment"]
    assert settings["imageOrigins"]["gene-api"] == f"built from {BUILT_FROM}"
    back = run_command("rollback", "gene-api", "hml", cwd=repo)
    assert back.returncode == 0, back.stderr
    assert values(repo, "hml", "gene-api") == before
    assert git(repo, "diff", "HEAD~2", "HEAD", "--", "environments") == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["gene-api", "hml", "--digest", "sha256:abc", "--built-from", BUILT_FROM], "is not an image digest"),
        (["gene-api", "hml", "--digest", "latest", "--built-from", BUILT_FROM], "is not an image digest"),
        (["gene-api", "hml", "--digest", DIGEST, "--built-from", "HEAD"], "is not a full commit id"),
        (["nope", "hml", "--digest", DIGEST, "--built-from", BUILT_FROM], "nope"),
        (["gene-api", "qa", "--digest", DIGEST, "--built-from", BUILT_FROM], "qa"),
    ],
)
def test_what_is_not_a_release_is_refused_and_nothing_changes(repo, args, says):
    head = git(repo, "rev-parse", "HEAD")
    assert_refused(run_command("release", *args, cwd=repo), says)
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


def test_the_released_digest_is_what_hml_renders(repo, tmp_path):
    assert (
        run_command(
            "release", "web", "hml", "--digest", DIGEST, "--built-from", BUILT_FROM, cwd=repo
        ).returncode
        == 0
    )
    out = tmp_path / "out"
    result = run_command("render", "hml", str(out), cwd=repo)
    assert result.returncode == 0, result.stderr
    repository = values(repo, "hml", "web")["image"]["repository"]
    assert re.search(
        rf"image: {re.escape(repository)}@{DIGEST}\b", (out / "web-hml" / "manifests.yaml").read_text()
    )
