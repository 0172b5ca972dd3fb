"""What Argo CD would apply for an environment: one folder per generated Application with
`application.yaml` (the Application) and `manifests.yaml` (its sources rendered by helm as
Argo CD's repo-server does: release name, destination namespace, the cluster's
--kube-version and --api-versions from environments/<env>/env.yaml, --include-crds unless
the source says skipCrds, valueFiles through $values, valuesObject or values, parameters). Our charts
come from the checkout; upstream charts from the archives in HELM_CHARTS_DIR
(../shared/helm-charts by default); a chart in neither is an error.

The output folder is written whole or not at all, and only where render owns it (outdir.py).
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..checkout import HELM, REPO
from ..outdir import check_outdir, write_whole
from .appset import Context, expand
from .repo import COMMIT_ID, RepoError, applicationsets, checkout, context_for, environment_settings, one_line


class RenderError(ValueError):
    """A source that cannot be rendered; the message names the Application."""


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def _values_file(value_file: str, chart_dir: Path, refs: dict[str, Path], app: str) -> Path:
    if value_file.startswith("$"):
        ref, _, rest = value_file[1:].partition("/")
        if ref not in refs:
            raise RenderError(f"{app}: values file {value_file} names no source with ref {ref!r}")
        path = refs[ref] / rest
    else:
        path = chart_dir / value_file
    if not path.is_file():
        raise RenderError(f"{app}: values file {value_file} does not exist")
    return path


def _escape(value: str) -> str:
    """Argo CD escapes commas (and backslashes) in parameter values for helm --set."""
    return value.replace("\\", "\\\\").replace(",", "\\,")


@dataclass(frozen=True)
class Cluster:
    """What the target cluster serves, as Argo CD's repo-server passes it to helm template."""

    kube_version: str
    api_versions: tuple[str, ...]  # beyond the built-in ones: those of the add-ons' CRDs


def cluster_of(environment: str, repo: Path) -> Cluster:
    settings = environment_settings(environment, repo)
    try:
        return Cluster(str(settings["kubeVersion"]), tuple(settings["apiVersions"]))
    except (KeyError, TypeError):
        raise RenderError(
            f"environments/{environment}/env.yaml: environment.kubeVersion and environment.apiVersions "
            "are required (what the cluster serves)"
        ) from None


def helm_binary() -> str:
    """helm 3 (Argo CD up to 3.4), or the one GITOPS_HELM names (helm 4 for Argo CD 3.5)."""
    return os.environ.get("GITOPS_HELM") or str(HELM)


def chart_archives() -> Path:
    """The folder of upstream chart archives: $HELM_CHARTS_DIR, else ../shared/helm-charts."""
    return Path(os.environ.get("HELM_CHARTS_DIR") or REPO.parent / "shared" / "helm-charts")


def _helm_template(
    app: dict, source: dict, chart: Path, refs: dict[str, Path], scratch: Path, cluster: Cluster
) -> str:
    name = app["metadata"]["name"]
    helm = source.get("helm", {})
    command = [
        helm_binary(),
        "template",
        helm.get("releaseName", name),
        str(chart),
        "--namespace",
        app["spec"]["destination"]["namespace"],
        "--kube-version",
        cluster.kube_version,
    ]
    for api_version in cluster.api_versions:
        command += ["--api-versions", api_version]
    if not helm.get("skipCrds"):
        command.append("--include-crds")
    for value_file in helm.get("valueFiles", []):
        command += ["--values", str(_values_file(value_file, chart, refs, name))]
    # valuesObject wins over values (a YAML string); either comes after valueFiles, as in
    # Argo CD's repo-server (ApplicationSourceHelm.ValuesYAML); blank values are none.
    inline = dump(helm["valuesObject"]) if helm.get("valuesObject") else helm.get("values", "")
    if inline.strip():
        extra = scratch / f"{name}-values-inline.yaml"
        extra.write_text(inline)
        command += ["--values", str(extra)]
    for parameter in helm.get("parameters", []):
        flag = "--set-string" if parameter.get("forceString") else "--set"
        command += [flag, f"{parameter['name']}={_escape(str(parameter['value']))}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"{name}: helm template failed: {one_line(result.stderr)}")
    return result.stdout


def upstream_chart(source: dict) -> tuple[str, str]:
    """(chart, version) of an upstream source: a Helm repository's `chart`, or the last part of
    an `oci://` repoURL (Argo CD 3.1+ native OCI sources: path `.`)."""
    if source["repoURL"].startswith("oci://"):
        return source["repoURL"].rstrip("/").rsplit("/", 1)[-1], str(source["targetRevision"])
    return source["chart"], str(source["targetRevision"])


def archive_of(app: str, source: dict) -> Path:
    chart, version = upstream_chart(source)
    archive = chart_archives() / f"{chart}-{version}.tgz"
    if not archive.is_file():
        raise RenderError(
            f"{app}: chart {chart} {version} ({source['repoURL']}) is neither in this repository nor "
            f"among the archives in {chart_archives()} (set HELM_CHARTS_DIR)"
        )
    return archive


def _build_dependencies(name: str, chart: Path, path: str) -> None:
    built = subprocess.run([helm_binary(), "dependency", "build", str(chart)], capture_output=True, text=True)
    if built.returncode != 0:
        raise RenderError(f"{name}: helm dependency build {path}: {one_line(built.stderr)}")


class Revisions:
    """This repository's files at the revision a source names: the checkout being rendered for
    the branch the cluster follows, else the commit an environment pins (its chartsRevision),
    read from the git repository `git_repo`, each once per render."""

    def __init__(self, context: Context, git_repo: Path, scratch: Path):
        self.context, self.git_repo, self.scratch = context, git_repo, scratch
        self.branch = context.clusters[0]["metadata"]["annotations"]["platform_repo_revision"]
        self.trees: dict[str, Path] = {}

    def tree(self, app: str, revision: str) -> Path:
        if revision == self.branch:
            return self.context.repo
        if not COMMIT_ID.fullmatch(revision):
            raise RenderError(
                f"{app}: targetRevision {revision[:60]!r} is neither the branch the cluster follows "
                f"({self.branch}) nor a full commit id"
            )
        if revision not in self.trees:
            try:
                # A pinned commit gives only charts/ (chartsRevision): nothing else is read there.
                with checkout(revision, self.git_repo, paths=("charts",)) as files:
                    (self.scratch / revision).mkdir(parents=True)
                    shutil.move(files / "charts", self.scratch / revision / "charts")
            except RepoError:
                known = subprocess.run(
                    ["git", "cat-file", "-e", f"{revision}^{{commit}}"],
                    cwd=self.git_repo,
                    capture_output=True,
                )
                advice = (
                    "it has no charts/ folder"
                    if known.returncode == 0
                    else "no such commit here: a typo in chartsRevision, or a shallow clone "
                    "(fetch the whole history: git fetch --unshallow)"
                )
                # The whole id: a typo may sit past the 12 characters usually shown.
                raise RenderError(
                    f"{app}: its charts are pinned to commit {revision}, which cannot be read; {advice}"
                ) from None
            self.trees[revision] = self.scratch / revision
        return self.trees[revision]


def render_application(
    app: dict, context: Context, out: Path, scratch: Path, cluster: Cluster, revisions: Revisions
) -> None:
    name = app["metadata"]["name"]
    folder = out / name
    folder.mkdir(parents=True)
    (folder / "application.yaml").write_text(dump(app))
    sources = app["spec"].get("sources") or [app["spec"]["source"]]
    ours = lambda s: s["repoURL"] in context.repo_urls  # noqa: E731
    refs = {
        s["ref"]: revisions.tree(name, str(s["targetRevision"])) for s in sources if s.get("ref") and ours(s)
    }
    manifests = []
    for source in sources:
        if "ref" in source and "path" not in source and "chart" not in source:
            continue  # a values-only source
        if ours(source):
            if "path" not in source:
                raise RenderError(f"{name}: a source of this repository needs a path")
            chart = revisions.tree(name, str(source["targetRevision"])) / source["path"]
            if not (chart / "Chart.yaml").is_file():
                raise RenderError(f"{name}: {source['path']} is not a chart")
            _build_dependencies(name, chart, source["path"])
        else:
            chart = archive_of(name, source)
        manifests.append(_helm_template(app, source, chart, refs, scratch, cluster))
    (folder / "manifests.yaml").write_text("".join(manifests))


def render_environment(
    environment: str, out: Path, ref: str | None = None, progress=print, git_repo: Path = REPO
) -> list[str]:
    """Render into `out`, replacing it only when complete; returns the Application names.
    `git_repo` is the repository `ref` and the environments' pinned commits are read from."""
    check_outdir(out)  # before any work: a folder render may not write is refused at once
    with checkout(ref, git_repo) as repo, tempfile.TemporaryDirectory() as scratch:
        context = context_for(environment, repo)
        cluster = cluster_of(environment, repo)
        applications = [a for appset in applicationsets(repo) for a in expand(appset, context)]
        revisions = Revisions(context, git_repo, Path(scratch, "revisions"))

        def fill(staging: Path) -> None:
            for number, app in enumerate(applications, 1):
                progress(f"render: [{number}/{len(applications)}] {app['metadata']['name']}")
                render_application(app, context, staging, Path(scratch), cluster, revisions)

        write_whole(out, fill, f"render {environment}")
    return [a["metadata"]["name"] for a in applications]
