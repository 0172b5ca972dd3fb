"""gitops promote commits exactly one valid image reference or changes nothing: the value is
read through YAML and checked against the OCI grammar, and a failed commit restores the file."""

from pathlib import Path

import pytest

from tests.support.gitops import git, promote_module, repository_copy, run_command

PROMOTE = ["promote", "gene-api", "--from", "hml", "--to", "prod"]


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def values(repo: Path, env: str) -> Path:
    return repo / "environments" / env / "apps" / "gene-api.yaml"


def set_hml_image(repo: Path, lines: str) -> None:
    path = values(repo, "hml")
    path.write_text(path.read_text().replace('  tag: "0.1.0"\n', lines))
    git(repo, "commit", "--quiet", "-am", "hml image changed")


def assert_nothing_changed(repo: Path, result, before_head: str, before_file: bytes, says: str) -> None:
    assert result.returncode == 1
    assert says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert git(repo, "rev-parse", "HEAD") == before_head
    assert git(repo, "status", "--porcelain") == ""
    assert values(repo, "prod").read_bytes() == before_file


def test_a_block_scalar_is_read_as_yaml_reads_it(repo):
    set_hml_image(repo, "  tag: >-\n    0.2.0\n")
    result = run_command(*PROMOTE, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert '  tag: "0.2.0"\n' in values(repo, "prod").read_text()


def test_promoting_into_a_block_scalar_replaces_all_of_it(repo):
    prod = values(repo, "prod")
    prod.write_text(prod.read_text().replace('  tag: "0.1.0"\n', "  tag: |-\n    0.0.9\n"))
    git(repo, "commit", "--quiet", "-am", "prod written as a block scalar")
    set_hml_image(repo, '  tag: "0.2.0"\n')
    assert run_command(*PROMOTE, cwd=repo).returncode == 0
    text = prod.read_text()
    assert '  tag: "0.2.0"\n' in text
    assert "0.0.9" not in text


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ('  tag: ""\n', "is not a valid OCI tag"),
        ('  tag: "0.2.0; rm -rf /"\n', "is not a valid OCI tag"),
        ('  tag: "0.2 0"\n', "is not a valid OCI tag"),
        ("  tag: |\n    0.2.0\n    0.3.0\n", "is not a valid OCI tag"),
        ("  tag: 1.10\n", "quote it"),
        ('  tag: "-rc1"\n', "is not a valid OCI tag"),
        ('  tag: "' + "a" * 129 + '"\n', "is not a valid OCI tag"),
        ('  digest: "sha256:abc"\n', "is not a valid OCI digest"),
        ('  digest: "md5:' + "a" * 32 + '"\n', "is not a valid OCI digest"),
        ('  tag: "0.2.0"\n  digest: "sha256:' + "a" * 64 + '"\n', "exactly one of"),
    ],
)
def test_an_invalid_reference_is_refused(repo, lines, says):
    set_hml_image(repo, lines)
    head, prod = git(repo, "rev-parse", "HEAD"), values(repo, "prod").read_bytes()
    assert_nothing_changed(repo, run_command(*PROMOTE, cwd=repo), head, prod, says)


def test_a_failing_commit_hook_leaves_the_tree_as_it_was(repo):
    set_hml_image(repo, '  tag: "0.2.0"\n')
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook: refused by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    head, prod = git(repo, "rev-parse", "HEAD"), values(repo, "prod").read_bytes()
    assert_nothing_changed(repo, run_command(*PROMOTE, cwd=repo), head, prod, "nothing was changed")
    hook.unlink()
    retry = run_command(*PROMOTE, cwd=repo)
    assert retry.returncode == 0, retry.stderr


def test_no_git_identity_leaves_the_tree_as_it_was(repo):
    set_hml_image(repo, '  tag: "0.2.0"\n')
    git(repo, "config", "--unset", "user.email")
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "user.useConfigOnly", "true")
    head, prod = git(repo, "rev-parse", "HEAD"), values(repo, "prod").read_bytes()
    result = run_command(
        *PROMOTE, cwd=repo, env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    )
    assert_nothing_changed(repo, result, head, prod, "git commit")


def test_an_interrupted_promote_leaves_the_tree_as_it_was(repo, monkeypatch):
    """Ctrl-C between the write and the commit: the file and the index are restored."""
    set_hml_image(repo, '  tag: "0.2.0"\n')
    head, prod = git(repo, "rev-parse", "HEAD"), values(repo, "prod").read_bytes()
    real_git = promote_module.git

    def interrupted_git(*args, **kwargs):
        if args[0] == "commit":
            raise KeyboardInterrupt
        return real_git(*args, **kwargs)

    monkeypatch.setattr(promote_module, "git", interrupted_git)
    with pytest.raises(KeyboardInterrupt):
        promote_module.promote("gene-api", "hml", "prod", repo=repo)
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    assert values(repo, "prod").read_bytes() == prod


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("", "imageOrigins has no entry for gene-api"),
        ('    gene-api: "from somewhere"\n', "is neither"),
        ('    gene-api: "promoted from hml at HEAD"\n', "is neither"),
    ],
)
def test_an_image_origin_prod_cannot_record_is_refused_before_anything_is_written(repo, line, says):
    """The origin is written in the promotion's commit: a line it cannot replace refuses the
    promotion and leaves both files as they were."""
    set_hml_image(repo, '  tag: "0.2.0"\n')
    env_yaml = repo / "environments" / "prod" / "env.yaml"
    env_yaml.write_text(env_yaml.read_text().replace('    gene-api: ""\n', line, 1))
    git(repo, "commit", "--quiet", "-am", "prod's origin line changed")
    head, prod, settings = (
        git(repo, "rev-parse", "HEAD"),
        values(repo, "prod").read_bytes(),
        env_yaml.read_bytes(),
    )
    assert_nothing_changed(repo, run_command(*PROMOTE, cwd=repo), head, prod, says)
    assert env_yaml.read_bytes() == settings
