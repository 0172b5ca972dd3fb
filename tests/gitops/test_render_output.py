"""gitops render (and crd-schemas, pull-charts: outdir.py) writes OUTDIR whole or not at all,
and never touches what it does not own: the repository, its parents, any place of it git does
not ignore (reached directly or through a symbolic link) and folders of the user's own are
refused."""

import shutil
from pathlib import Path

import pytest

from tests.support.gitops import assert_refused, git, repository_copy, run_command

MARKER = ".written-by-chr21-scripts"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return repository_copy(tmp_path_factory.mktemp("render-output") / "repo")


def assert_refused_in_one_line(result, says: str) -> None:
    assert_refused(result, says)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("outdir", "says"),
    [
        (".", "is the repository or holds it"),
        ("..", "is the repository or holds it"),
        ("/", "is the repository or holds it"),
        ("environments", "git does not ignore"),
        ("environments/prod/apps", "git does not ignore"),
        ("README.md", "git does not ignore"),
        (".git", "git does not ignore"),
        (".git/rendered", "git does not ignore"),
        ("charts/gene-api/templates/out", "git does not ignore"),
    ],
)
def test_the_repository_and_what_it_tracks_are_refused(repo, outdir, says):
    before = snapshot(repo / "environments"), git(repo, "rev-parse", "HEAD")
    assert_refused_in_one_line(run_command("render", "hml", outdir, cwd=repo), says)
    assert (snapshot(repo / "environments"), git(repo, "rev-parse", "HEAD")) == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_folder_of_the_users_own_is_refused_and_kept(repo, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert_refused_in_one_line(
        run_command("render", "hml", str(mine), cwd=repo), "holds files these commands did not write"
    )
    assert (mine / "notes.txt").read_text() == "my notes"


def test_a_file_is_refused(repo, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    assert_refused_in_one_line(
        run_command("render", "hml", str(target), cwd=repo), "exists and is not a folder"
    )
    assert target.read_text() == "keep me"


def test_an_unwritable_place_is_one_line(repo, tmp_path):
    (tmp_path / "plain-file").write_text("")
    result = run_command("render", "hml", str(tmp_path / "plain-file" / "out"), cwd=repo)
    assert_refused_in_one_line(result, "cannot write")


def test_an_empty_folder_is_used_and_a_render_replaces_its_own(repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert run_command("render", "hml", str(out), cwd=repo).returncode == 0
    assert (out / MARKER).is_file()
    (out / "stale-application").mkdir()  # as if an Application was removed since
    again = run_command("render", "hml", str(out), cwd=repo)
    assert again.returncode == 0, again.stderr
    assert not (out / "stale-application").exists()
    assert (out / "gene-api-hml" / "manifests.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder left behind"


def test_a_failed_render_leaves_the_previous_output_as_it_was(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    out = tmp_path / "out"
    assert run_command("render", "prod", str(out), cwd=repo).returncode == 0
    before = snapshot(out)
    values = repo / "environments" / "prod" / "apps" / "gene-api.yaml"
    values.write_text(values.read_text() + "replicaCount: many\n")  # the chart's schema refuses it
    result = run_command("render", "prod", str(out), cwd=repo)
    assert_refused(result, "gene-api-prod: helm template failed")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"], "no staging folder left behind"


@pytest.mark.parametrize("inside", [".git/rendered", "charts/gene-api/templates/out", "environments/new"])
def test_a_symbolic_link_into_the_repository_does_not_get_round_the_refusal(repo, tmp_path, inside):
    link = tmp_path / "link"
    link.symlink_to(repo)
    assert_refused_in_one_line(
        run_command("render", "hml", str(link / inside), cwd=repo), "git does not ignore"
    )
    assert not (repo / inside).exists()
    assert git(repo, "status", "--porcelain") == ""


def test_a_symbolic_link_as_the_folder_itself_is_refused(repo, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert_refused_in_one_line(
        run_command("render", "hml", str(tmp_path / "link"), cwd=repo), "is a symbolic link"
    )


@pytest.mark.parametrize("outdir", ["out", "out/hml"])
def test_an_ignored_place_of_the_repository_is_written(repo, outdir):
    """`/out/` matches folders only: OUTDIR is asked about as the folder it is, existing or not."""
    result = run_command("render", "hml", outdir, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / outdir / MARKER).is_file()
    assert git(repo, "status", "--porcelain") == ""
    shutil.rmtree(repo / "out")


@pytest.mark.parametrize("command", [["crd-schemas", "hml"], ["pull-charts"]])
def test_the_other_writing_commands_refuse_the_same_places(repo, tmp_path, command):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert_refused_in_one_line(run_command(*command, str(mine), cwd=repo), "did not write")
    assert_refused_in_one_line(run_command(*command, "environments", cwd=repo), "git does not ignore")
    assert (mine / "notes.txt").read_text() == "my notes"
