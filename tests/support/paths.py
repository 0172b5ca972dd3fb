"""Where the repository, its tools and the CRD schemas are."""

import os
import subprocess
from functools import cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CHARTS = REPO / "charts"
TOOLS_BIN = REPO / ".tools" / "bin"
# The workspace's console scripts (gitops, terraform-bootstrap, images, the apps').
VENV_BIN = REPO / ".venv" / "bin"
HELM3 = TOOLS_BIN / "helm"
HELM4 = TOOLS_BIN / "helm4"
CHECKOV = TOOLS_BIN / "checkov"


@cache
def tracked_files() -> tuple[str, ...]:
    """The files git tracks in this checkout, relative to it."""
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    return tuple(listed.stdout.split())


def kubernetes_versions() -> list[str]:
    """The Kubernetes releases the environments run (each env.yaml's kubeVersion): what charts
    and manifests are validated for."""
    return sorted(
        {
            str(yaml.safe_load(path.read_text())["environment"]["kubeVersion"])
            for path in (REPO / "environments").glob("*/env.yaml")
        }
    )


def helm_charts_dir() -> Path:
    """The upstream chart archives: $HELM_CHARTS_DIR, else ../shared/helm-charts beside the repository."""
    folder = Path(os.environ.get("HELM_CHARTS_DIR") or REPO.parent / "shared" / "helm-charts")
    if not folder.is_dir():
        raise FileNotFoundError(f"chart archives not found at {folder}: set HELM_CHARTS_DIR")
    return folder


def crd_schemas_dir() -> Path:
    """The CRD JSON Schemas: $CRD_SCHEMAS_DIR, else ../shared/schemas beside the repository."""
    folder = Path(os.environ.get("CRD_SCHEMAS_DIR") or REPO.parent / "shared" / "schemas")
    if not folder.is_dir():
        raise FileNotFoundError(
            f"CRD schemas not found at {folder}: set CRD_SCHEMAS_DIR to a copy of "
            "datreeio/CRDs-catalog (layout {group}/{kind}_{version}.json)"
        )
    return folder


def terraform_modules_dir() -> Path:
    """The pinned modules' interfaces: $TERRAFORM_MODULES_DIR, else ../shared/terraform-modules."""
    folder = Path(os.environ.get("TERRAFORM_MODULES_DIR") or REPO.parent / "shared" / "terraform-modules")
    if not folder.is_dir():
        raise FileNotFoundError(f"module interfaces not found at {folder}: set TERRAFORM_MODULES_DIR")
    return folder
