"""Every key our add-on values set (environments/*/addons/*.yaml and the ApplicationSet's
valuesObject) is one the pinned upstream chart has (our own charts/platform refuses unknown
keys itself, by its values.schema.json): a key upstream renamed or removed would
otherwise be ignored without a word. Subcharts' keys count under their name; below a
default that is an empty map or null (annotations, resources, selectors) any key goes; a key
values.yaml leaves commented out counts where the chart's templates read it (`.Values.<key>`)."""

import io
import tarfile
from functools import cache

import pytest
import yaml

from tests.support.gitops import applications, environments
from tests.support.paths import REPO, helm_charts_dir


@cache
def chart_templates(archive_name: str) -> dict[str, str]:
    """{"" for the chart, or a subchart's name: the text of its templates}."""
    root = archive_name.rsplit("-", 1)[0]
    found: dict[str, str] = {}
    with tarfile.open(helm_charts_dir() / archive_name) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if not member.isfile() or "templates" not in parts:
                continue
            at = parts.index("templates")
            owner = "" if at == 1 else (parts[at - 1] if parts[at - 2] == "charts" else None)
            if owner is not None and parts[0] == root:
                found[owner] = found.get(owner, "") + tar.extractfile(member).read().decode(errors="replace")
    return found


def read_by_templates(path: str, templates: str) -> bool:
    return f".Values.{path}" in templates


@cache
def chart_defaults(archive_name: str) -> tuple[dict, dict[str, dict]]:
    """(the chart's values.yaml, {subchart name or alias: its values.yaml})."""
    with tarfile.open(helm_charts_dir() / archive_name) as tar:
        members = {m.name: m for m in tar.getmembers()}
        root = archive_name.rsplit("-", 1)[0]

        def values(path: str) -> dict:
            member = members.get(path)
            return (yaml.safe_load(tar.extractfile(member)) or {}) if member else {}

        def nested_archive_values(path: str) -> dict:
            with tarfile.open(fileobj=io.BytesIO(tar.extractfile(members[path]).read())) as inner:
                name = next(
                    m.name
                    for m in inner.getmembers()
                    if m.name.count("/") == 1 and m.name.endswith("/values.yaml")
                )
                return yaml.safe_load(inner.extractfile(name)) or {}

        parent = values(f"{root}/values.yaml")
        chart = yaml.safe_load(tar.extractfile(members[f"{root}/Chart.yaml"]))
        subcharts = {}
        for dependency in chart.get("dependencies", []):
            name = dependency["name"]
            folder = f"{root}/charts/{name}/values.yaml"
            packed = [p for p in members if p.startswith(f"{root}/charts/{name}-") and p.endswith(".tgz")]
            found = (
                values(folder) if folder in members else (nested_archive_values(packed[0]) if packed else {})
            )
            subcharts[dependency.get("alias", name)] = found
        return parent, subcharts


# Maps a chart passes through whole, to its application's configuration or into a Kubernetes
# object (the chart's README and templates say so): their keys are not the chart's values.
PASSED_THROUGH = {
    "argo-cd": {"configs.cm", "configs.params", "configs.rbac"},  # argocd-cm, -cmd-params-cm, -rbac-cm
    "kube-prometheus-stack": {"grafana.grafana.ini"},  # Grafana's grafana.ini, whole
}
# Values that are Kubernetes objects the charts write whole into pod specs (toYaml), at any
# depth: their insides are Kubernetes' schema, which the strict validation of the rendered
# objects checks (tests/gitops/test_render.py).
KUBERNETES_OBJECTS = {"resources", "securityContext", "podSecurityContext", "containerSecurityContext"}


def unknown_keys(ours: dict, defaults, prefix: str = "", open_maps: frozenset = frozenset()) -> list[str]:
    found = []
    for key, value in ours.items():
        path = f"{prefix}{key}"
        if path in open_maps or (
            key in KUBERNETES_OBJECTS and isinstance(defaults, dict) and key in defaults
        ):
            continue
        if not isinstance(defaults, dict) or key not in defaults:
            found.append(path)
            continue
        default = defaults[key]
        if isinstance(value, dict) and isinstance(default, dict) and default:
            found += unknown_keys(value, default, f"{path}.", open_maps)
    return found


def chart_keys_missing(ours: dict, archive_name: str) -> list[str]:
    parent, subcharts = chart_defaults(archive_name)
    open_maps = frozenset(PASSED_THROUGH.get(archive_name.rsplit("-", 1)[0], ()))
    missing = []
    templates = chart_templates(archive_name)
    for key, value in ours.items():
        if key in subcharts and isinstance(value, dict):
            # The parent's values for a subchart override the subchart's own, key by key.
            merged = {**deep_merge(subcharts[key], parent.get(key) or {}), "enabled": True, "global": {}}
            missing += [
                path
                for path in unknown_keys(value, merged, f"{key}.", open_maps)
                if not read_by_templates(path.removeprefix(f"{key}."), templates.get(key, ""))
            ]
        elif key != "global":
            missing += [
                path
                for path in unknown_keys({key: value}, parent, open_maps=open_maps)
                if not read_by_templates(path, templates.get("", ""))
            ]
    return missing


def deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = deep_merge(merged[key], value) if both else value
    return merged


def addon_values(env: str) -> list[tuple[str, str, dict]]:
    """(Application, chart archive, the values it sets) of every add-on of `env`."""
    found = []
    for app in applications(env):
        if "chr21.io/addon" not in app["metadata"]["labels"]:
            continue
        source = app["spec"]["sources"][0]
        if "path" in source and not source["repoURL"].startswith("oci://"):
            continue  # our own chart: its values.schema.json refuses unknown keys at render
        chart = source.get("chart") or source["repoURL"].rsplit("/", 1)[-1]
        archive = f"{chart}-{source['targetRevision']}.tgz"
        for value_file in source["helm"].get("valueFiles", []):
            values = yaml.safe_load((REPO / value_file.removeprefix("$values/")).read_text()) or {}
            found.append((app["metadata"]["name"], archive, values))
        found.append(
            (f"{app['metadata']['name']} valuesObject", archive, source["helm"].get("valuesObject") or {})
        )
    return found


@pytest.mark.parametrize("env", environments(REPO))
def test_every_key_we_set_is_one_the_chart_has(env):
    missing = [
        f"{where}: {key} is not a value of {archive}"
        for where, archive, values in addon_values(env)
        for key in chart_keys_missing(values, archive)
    ]
    assert missing == [], "\n".join(missing)


def test_a_renamed_key_is_caught():
    values = {
        "prometheus": {"prometheusSpec": {"retentionn": "5d"}},
        "grafana": {"adminn": {}, "enabled": True},
        "nosuchkey": 1,
        "commonLabels": {"anything": "goes"},
    }
    assert chart_keys_missing(values, "kube-prometheus-stack-88.5.3.tgz") == [
        "prometheus.prometheusSpec.retentionn",
        "grafana.adminn",
        "nosuchkey",
    ]
