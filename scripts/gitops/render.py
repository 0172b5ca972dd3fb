"""What Argo CD would apply for an environment: one folder per generated Application with
`application.yaml` (the Application) and `manifests.yaml` (its sources rendered by helm),
or `UPSTREAM.md` for an upstream chart that is not in the local helm cache."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from .appset import Context, expand
from .paths import HELM, HELM_CACHE
from .repo import applicationsets, checkout, context_for


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


def _helm_template(app: dict, source: dict, chart: Path, refs: dict[str, Path], scratch: Path) -> str:
    name = app["metadata"]["name"]
    helm = source.get("helm", {})
    command = [
        str(HELM),
        "template",
        helm.get("releaseName", name),
        str(chart),
        "--namespace",
        app["spec"]["destination"]["namespace"],
    ]
    for value_file in helm.get("valueFiles", []):
        command += ["--values", str(_values_file(value_file, chart, refs, name))]
    if helm.get("valuesObject"):
        extra = scratch / f"{name}-values-object.yaml"
        extra.write_text(dump(helm["valuesObject"]))
        command += ["--values", str(extra)]
    for parameter in helm.get("parameters", []):
        flag = "--set-string" if parameter.get("forceString") else "--set"
        command += [flag, f"{parameter['name']}={_escape(str(parameter['value']))}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"{name}: helm template failed: {result.stderr.strip()}")
    return result.stdout


def _cached_chart(source: dict) -> Path | None:
    """An upstream chart pulled into the helm cache earlier (helm pull / helm repo), if any."""
    found = sorted(HELM_CACHE.rglob(f"{source['chart']}-{source['targetRevision']}.tgz"))
    return found[0] if found else None


def _upstream_note(app: dict, source: dict, refs: dict[str, Path], repo: Path) -> str:
    helm = source.get("helm", {})
    files = [
        str(_values_file(f, repo, refs, app["metadata"]["name"]).relative_to(repo))
        for f in helm.get("valueFiles", [])
    ]
    return (
        f"# {app['metadata']['name']}: upstream chart, not rendered\n\n"
        "The chart is not in the local helm cache, so it was not rendered offline.\n\n"
        f"- chart: `{source['chart']}`\n"
        f"- repository: `{source['repoURL']}`\n"
        f"- version: `{source['targetRevision']}`\n"
        f"- release: `{helm.get('releaseName', app['metadata']['name'])}` in namespace "
        f"`{app['spec']['destination']['namespace']}`\n"
        f"- values files: {', '.join(f'`{f}`' for f in files) or 'none'}\n\n"
        "Values from the cluster secret (valuesObject):\n\n"
        f"```yaml\n{dump(helm.get('valuesObject') or {})}```\n"
    )


def render_application(app: dict, context: Context, out: Path, scratch: Path) -> None:
    name = app["metadata"]["name"]
    folder = out / name
    folder.mkdir(parents=True)
    (folder / "application.yaml").write_text(dump(app))
    sources = app["spec"].get("sources") or [app["spec"]["source"]]
    ours = lambda s: s["repoURL"] in context.repo_urls  # noqa: E731
    refs = {s["ref"]: context.repo for s in sources if s.get("ref") and ours(s)}
    manifests, notes = [], []
    for source in sources:
        if "ref" in source and "path" not in source and "chart" not in source:
            continue  # a values-only source
        if "path" in source:
            if not ours(source):
                raise RenderError(f"{name}: source {source['repoURL']} is not this repository")
            chart = context.repo / source["path"]
            if not (chart / "Chart.yaml").is_file():
                raise RenderError(f"{name}: {source['path']} is not a chart")
            subprocess.run([str(HELM), "dependency", "build", str(chart)], capture_output=True, check=True)
            manifests.append(_helm_template(app, source, chart, refs, scratch))
        elif (cached := _cached_chart(source)) is not None:
            manifests.append(_helm_template(app, source, cached, refs, scratch))
        else:
            notes.append(_upstream_note(app, source, refs, context.repo))
    if manifests:
        (folder / "manifests.yaml").write_text("".join(manifests))
    if notes:
        (folder / "UPSTREAM.md").write_text("\n".join(notes))


def render_environment(environment: str, out: Path, ref: str | None = None, progress=print) -> list[str]:
    """Render into `out` (emptied first); returns the Application names."""
    with checkout(ref) as repo, tempfile.TemporaryDirectory() as scratch:
        context = context_for(environment, repo)
        applications = [a for appset in applicationsets(repo) for a in expand(appset, context)]
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for number, app in enumerate(applications, 1):
            progress(f"render: [{number}/{len(applications)}] {app['metadata']['name']}")
            render_application(app, context, out, Path(scratch))
    return [a["metadata"]["name"] for a in applications]
