"""The upstream charts the environments pin (the addons ApplicationSet names each), pulled with
helm into a folder laid out as HELM_CHARTS_DIR expects ({chart}-{version}.tgz): for a machine
that reaches the charts' registries (CI on GitHub) and has no ../shared/helm-charts beside it."""

import subprocess
from pathlib import Path

from ..checkout import REPO
from ..outdir import write_whole
from .appset import list_elements
from .render import RenderError, helm_binary
from .repo import addon_versions, applicationsets, environments, one_line


def pinned_charts(repo: Path = REPO) -> list[tuple[str, str, str]]:
    """(repoURL, chart, version) of every upstream add-on (not charts of this repository) at the
    version each environment pins (environments/<env>/env.yaml, addonVersions)."""
    addons = next(a for a in applicationsets(repo) if a["metadata"]["name"] == "addons")
    pinned = set()
    for env in environments(repo):
        versions = addon_versions(env, repo)
        for element in list_elements(addons):
            if element["repoURL"]:
                if element["addon"] not in versions:
                    raise RenderError(f"environments/{env}/env.yaml pins no version of {element['addon']}")
                pinned.add((element["repoURL"], element["chart"], versions[element["addon"]]))
    return sorted(pinned)


def pull_command(repo_url: str, chart: str, version: str, out: Path) -> list[str]:
    if repo_url.startswith("oci://"):
        return [helm_binary(), "pull", repo_url, "--version", version, "--destination", str(out)]
    return [helm_binary(), "pull", chart, "--repo", repo_url, "--version", version, "--destination", str(out)]


def pull_all(out: Path, progress=print) -> list[str]:
    """Pull every pinned chart into `out` (written whole, outdir.py); returns the archive names."""
    pinned = pinned_charts()

    def fill(staging: Path) -> None:
        for repo_url, chart, version in pinned:
            progress(f"pull-charts: {chart} {version} from {repo_url}")
            command = pull_command(repo_url, chart, version, staging)
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                raise RenderError(f"helm pull {chart} {version}: {one_line(result.stderr)}")

    write_whole(out, fill, "pull-charts")
    return [f"{chart}-{version}.tgz" for _, chart, version in pinned]
