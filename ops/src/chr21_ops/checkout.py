"""The checkout the commands act on, and its tools: the git work tree of the folder they are
run in when it is one of this repository (so a copy of the repository, as the tests make, is
acted on by itself), else the checkout this package is installed from (`make setup` installs
it editable), as when a command is run from another folder."""

import subprocess
from pathlib import Path

ENVIRONMENTS = "environments"
CLUSTER_SECRETS = "argocd/cluster-secrets"
APPLICATIONSETS = "argocd/platform"
# ops/src/chr21_ops/checkout.py: the checkout it is installed from, when installed editable.
INSTALLED_FROM = Path(__file__).resolve().parents[3]


def is_checkout(folder: Path) -> bool:
    """Whether `folder` holds this repository (its environments and Argo CD folders)."""
    return (folder / ENVIRONMENTS).is_dir() and (folder / APPLICATIONSETS).is_dir()


def _checkout() -> Path:
    found = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    here = Path(found.stdout.strip()) if found.returncode == 0 else None
    return here if here and is_checkout(here) else INSTALLED_FROM


REPO = _checkout()
HELM = REPO / ".tools" / "bin" / "helm"


def git_succeeds(*args: str, cwd: Path = REPO) -> bool:
    """Whether a git command that answers by its exit status (check-ignore, ...) says yes."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True).returncode == 0
