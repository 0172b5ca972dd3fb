"""The repository as Argo CD sees it: a git ref's tracked files, or the working tree."""

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from .appset import Context
from .paths import APPLICATIONSETS, CLUSTER_SECRETS, REPO


class RepoError(ValueError):
    """A ref or environment that does not exist; the message says which."""


def git(*args: str, cwd: Path = REPO, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RepoError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


@contextlib.contextmanager
def checkout(ref: str | None, repo: Path = REPO) -> Iterator[Path]:
    """The files of `ref` (what Argo CD would fetch) in a temporary folder; the working tree without a ref."""
    if ref is None:
        yield repo
        return
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=repo, capture_output=True)
    if archive.returncode != 0:
        raise RepoError(f"unknown git ref {ref!r}: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="chr21-render-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def environments(repo: Path) -> list[str]:
    return sorted(p.stem for p in (repo / CLUSTER_SECRETS).glob("*.yaml"))


def context_for(environment: str, repo: Path) -> Context:
    secret_file = repo / CLUSTER_SECRETS / f"{environment}.yaml"
    if not secret_file.is_file():
        raise RepoError(f"unknown environment {environment!r}; known: {', '.join(environments(repo))}")
    secret = yaml.safe_load(secret_file.read_text())
    return Context(
        repo=repo,
        repo_urls=frozenset({secret["metadata"]["annotations"]["platform_repo_url"]}),
        clusters=(secret,),
    )


def applicationsets(repo: Path) -> list[dict]:
    docs = [
        d
        for f in sorted((repo / APPLICATIONSETS).glob("*.yaml"))
        for d in yaml.safe_load_all(f.read_text())
        if d
    ]
    return [d for d in docs if d["kind"] == "ApplicationSet"]
