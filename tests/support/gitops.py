"""The platform's command-line tools (ops/: chr21_ops) for tests: import them and run them."""

import os
import re
import subprocess
from pathlib import Path

import yaml

from chr21_ops.checkout import CLUSTER_SECRETS
from chr21_ops.gitops import controlplane, rehearse
from chr21_ops.gitops import promote as promote_module
from chr21_ops.gitops.appset import deep_merge, expand  # noqa: F401 -- deep_merge: re-exported
from chr21_ops.gitops.appset import list_elements as appset_list_elements
from chr21_ops.gitops.checkov import scan as checkov_scan
from chr21_ops.gitops.diff import comparable_files
from chr21_ops.gitops.gotemplate import render_all as render_go_templates
from chr21_ops.gitops.ignore import masked
from chr21_ops.gitops.kubeconform import validate as kubeconform_validate
from chr21_ops.gitops.pullcharts import pinned_charts, pull_command
from chr21_ops.gitops.render import render_environment
from chr21_ops.gitops.repo import applicationsets, context_for, environments, load_manifests
from chr21_ops.images.matrix import DOCKERFILES as IMAGE_DOCKERFILES
from tests.support.paths import REPO, VENV_BIN, helm_charts_dir

__all__ = [
    "IMAGE_DOCKERFILES",
    "applications",
    "applicationsets",
    "checkov_scan",
    "cluster_secret_stand_in",
    "comparable_files",
    "context_for",
    "controlplane",
    "environments",
    "expand",
    "kubeconform_validate",
    "load_manifests",
    "masked",
    "pinned_charts",
    "promote_module",
    "pull_command",
    "rehearse",
    "render_environment",
    "render_go_templates",
    "run_command",
]


def applications(environment: str, repo: Path = REPO) -> list[dict]:
    """Every Application the ApplicationSets generate for an environment."""
    context = context_for(environment, repo)
    return [app for appset in applicationsets(repo) for app in expand(appset, context)]


# The command group of each subcommand (ops/pyproject.toml's scripts); the rest are gitops's.
GROUP = {
    "module-interfaces": "terraform-bootstrap",
    "state-bucket": "terraform-bootstrap",
    "matrix": "images",
}


def run_command(
    name: str, *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`<group> name args...` (gitops render ..., terraform-bootstrap state-bucket ...), run in
    `cwd`: the commands act on the checkout they are run in."""
    return subprocess.run(
        [str(VENV_BIN / GROUP.get(name, "gitops")), name, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        # A copy of the repository elsewhere finds the archives where this checkout does.
        env={**os.environ, "HELM_CHARTS_DIR": str(helm_charts_dir()), **(env or {})},
    )


def assert_refused(result: subprocess.CompletedProcess, says: str) -> None:
    """A script refused what it was given: exit 1, the reason on stderr, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def repository_copy(destination: Path) -> Path:
    """A clone of this repository's history with one more commit holding this working tree's
    files (tracked and untracked, not ignored), and this checkout's tools: promotions happen
    there, and the commits environments pin (chartsRevision) are there too."""
    git(REPO, "clone", "--quiet", "--no-checkout", str(REPO), str(destination))
    git(destination, "remote", "remove", "origin")
    # On branch main whatever this checkout is on (a pull request's is a detached HEAD).
    git(destination, "update-ref", "refs/heads/main", "HEAD")
    git(destination, "symbolic-ref", "HEAD", "refs/heads/main")
    files = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source, target = REPO / name, destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        elif source.is_file():
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode)
    for tools in (".venv", ".tools"):
        (destination / tools).symlink_to(REPO / tools)
    git(destination, "config", "user.email", "ci@chr21.example.org")
    git(destination, "config", "user.name", "chr21 CI")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--allow-empty", "-m", "snapshot of the working tree")
    return destination


def cluster_secret_stand_in(environment: str, repo: Path = REPO) -> dict:
    """argocd/cluster-secrets/<environment>.yaml: the cluster secret Terraform writes, offline."""
    return yaml.safe_load((repo / CLUSTER_SECRETS / f"{environment}.yaml").read_text())


def list_elements(applicationset: str, repo: Path = REPO) -> list[dict]:
    """The elements of the list generator of the apps or addons ApplicationSet."""
    appset = next(a for a in applicationsets(repo) if a["metadata"]["name"] == applicationset)
    return appset_list_elements(appset)


def cluster_secret_keys_read(repo: Path = REPO) -> set[tuple[str, str]]:
    """(label or annotation, key) of every cluster-secret key the ApplicationSets read: in
    their templates, an app's <app>_iam_role_arn, an add-on's enable_ label."""
    text = "\n".join(
        (repo / "argocd" / "platform" / name).read_text()
        for name in ("apps-applicationset.yaml", "addons-applicationset.yaml")
    )
    templates = re.findall(r"(?:metadata\.|\$)(labels|annotations)\.(\w+)", text)
    read = {(kind.removesuffix("s"), key) for kind, key in templates}
    read |= {
        ("annotation", f"{e['chart'].replace('-', '_')}_iam_role_arn") for e in list_elements("apps", repo)
    }
    return read | {("label", e["label"]) for e in list_elements("addons", repo)}


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def pod_templates(objects: list[dict]):
    """(workload, its pod template) of every workload among rendered objects."""
    for obj in objects:
        if obj["kind"] in WORKLOAD_KINDS:
            spec = obj["spec"]["jobTemplate"]["spec"] if obj["kind"] == "CronJob" else obj["spec"]
            yield obj, spec["template"]
