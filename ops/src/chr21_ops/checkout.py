"""The checkout the commands act on, and its tools: the git work tree of the folder they are
run in (so a copy of the repository, as the tests make, is acted on by itself)."""

import subprocess
from pathlib import Path


def _work_tree() -> Path:
    found = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    return Path(found.stdout.strip()) if found.returncode == 0 else Path.cwd().resolve()


REPO = _work_tree()
HELM = REPO / ".tools" / "bin" / "helm"
ENVIRONMENTS = "environments"
CLUSTER_SECRETS = "argocd/cluster-secrets"
APPLICATIONSETS = "argocd/platform"


def is_checkout(folder: Path = REPO) -> bool:
    """Whether `folder` holds this repository (its environments and Argo CD folders)."""
    return (folder / ENVIRONMENTS).is_dir() and (folder / APPLICATIONSETS).is_dir()


def git_succeeds(*args: str, cwd: Path = REPO) -> bool:
    """Whether a git command that answers by its exit status (check-ignore, ...) says yes."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True).returncode == 0
