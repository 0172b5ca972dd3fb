"""One declaration of each setting's bounds: every value a chart's ConfigMap hands to an app's
setting is bounded in the chart's values.schema.json exactly as the app's settings bound it
(gene_api.core.config, annotator.config: pydantic's ge/gt/le/lt, Literal choices, patterns),
so `helm template` refuses what the app would refuse at start, and nothing else. The ConfigMap
template is read for which values key feeds which variable."""

import json
import re
import typing

import annotated_types
import pytest
from pydantic.fields import FieldInfo

from annotator.config import WorkerSettings
from gene_api.core.config import Settings
from tests.support.paths import REPO

APPS = {"gene-api": Settings, "worker": WorkerSettings}
# Where a chart is stricter than its app, by which keyword, and why; elsewhere they are equal.
NON_ROOT = "the container runs as non-root: no port below 1024"
SERVER_BROKER = "a cluster's broker is a server; filesystem:// is only make run's"
IN_S3 = "a cluster keeps uploads and results in S3; a folder is only make run's"
AN_ARN = "the state machine Terraform makes, by its ARN"
A_QUEUE_URL = "the SQS queue Terraform makes, by its URL"
STORAGE = ("uploadsLocation", "resultsLocation")
STRICTER = {
    ("gene-api", "app.port"): ("minimum", NON_ROOT),
    ("gene-api", "app.metricsPort"): ("minimum", NON_ROOT),
    ("worker", "app.metricsPort"): ("minimum", NON_ROOT),
    ("gene-api", "pipeline.brokerUrl"): ("pattern", SERVER_BROKER),
    ("worker", "pipeline.brokerUrl"): ("pattern", SERVER_BROKER),
    **{(chart, f"pipeline.{key}"): ("pattern", IN_S3) for chart in APPS for key in STORAGE},
    **{(chart, "pipeline.sqsQueueUrl"): ("pattern", A_QUEUE_URL) for chart in APPS},
    ("gene-api", "pipeline.stateMachineArn"): ("pattern", AN_ARN),
}
TEMPLATES = REPO / "charts" / "common" / "templates"
# `VAR: {{ .value ...` or `VAR: {{ required "..." .value ...`
ENTRY = re.compile(r'^\s*([A-Z][A-Z0-9_]*): \{\{\s*(?:required "[^"]*" )?(\.[A-Za-z0-9_.]+)')
ASSIGNED = re.compile(r"^\s*([A-Z][A-Z0-9_]*): \{\{")
OPENS = re.compile(r"\{\{-?\s*(with|if|range)\s+([^}]*?)\s*-?\}\}")
ENDS = re.compile(r"\{\{-?\s*end\s*-?\}\}")
# The library's helpers a ConfigMap includes, each given the chart's `pipeline` values.
PIPELINE_HELPERS = ("common.pipelineStorageEnv", "common.pipelineQueueEnv")


def read_entries(text: str, scope: str | None = None) -> dict[str, str]:
    """Each variable set from a value => that value's path, `with` blocks followed."""
    fed, scopes = {}, [scope]
    for line in text.splitlines():
        if opened := OPENS.search(line):
            keyword, argument = opened.groups()
            scopes.append(argument.removeprefix(".Values.") if keyword == "with" else scopes[-1])
        if ENDS.search(line):
            scopes.pop()
        if entry := ENTRY.match(line):
            variable, expression = entry.groups()
            if expression.startswith(".Values."):
                fed[variable] = expression.removeprefix(".Values.")
            elif scopes[-1]:
                fed[variable] = f"{scopes[-1]}.{expression[1:]}"
    return fed


def fed_settings(chart: str) -> dict[str, str]:
    """Each variable the chart's ConfigMap sets from a value => that value's path
    (`app.port`), the pipeline helpers' entries included."""
    configmap = (REPO / "charts" / chart / "templates" / "configmap.yaml").read_text()
    fed = read_entries(configmap)
    helpers = (TEMPLATES / "_pipeline.tpl").read_text()
    for helper in PIPELINE_HELPERS:
        if f'include "{helper}"' in configmap:
            body = helpers.split(f'define "{helper}"', 1)[1].split("{{- end -}}", 1)[0]
            fed |= read_entries(body, "pipeline")
    return fed


def schema_at(chart: str, path: str) -> dict:
    node = json.loads((REPO / "charts" / chart / "values.schema.json").read_text())
    for key in path.split("."):
        node = node["properties"][key]
    return node


def app_bounds(field: FieldInfo) -> dict:
    """The field's bounds as JSON Schema keywords."""
    bounds = {}
    for rule in field.metadata:
        for kind, attribute, keyword in (
            (annotated_types.Ge, "ge", "minimum"),
            (annotated_types.Gt, "gt", "exclusiveMinimum"),
            (annotated_types.Le, "le", "maximum"),
            (annotated_types.Lt, "lt", "exclusiveMaximum"),
        ):
            if isinstance(rule, kind):
                bounds[keyword] = getattr(rule, attribute)
        if getattr(rule, "pattern", None):
            bounds["pattern"] = rule.pattern
    if typing.get_origin(field.annotation) is typing.Literal:
        bounds["enum"] = list(typing.get_args(field.annotation))
    return bounds


SCHEMA_KEYWORDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "pattern", "enum")
CASES = [
    (chart, variable, path)
    for chart in APPS
    for variable, path in fed_settings(chart).items()
    if variable.lower() in APPS[chart].model_fields
]


@pytest.mark.parametrize("chart", APPS)
def test_every_setting_a_configmap_sets_from_a_value_is_compared(chart):
    """No line is skipped by the reading: each `VAR: {{ ... }}` of a setting is among the cases."""
    configmap = (REPO / "charts" / chart / "templates" / "configmap.yaml").read_text()
    assigned = {m[1] for line in configmap.splitlines() if (m := ASSIGNED.match(line))}
    settings = {v for v in assigned if v.lower() in APPS[chart].model_fields}
    compared = {variable for c, variable, _ in CASES if c == chart}
    assert settings, chart
    assert settings - compared == set()
    assert {"BROKER_URL", "JOB_QUEUE", "UPLOADS_LOCATION"} <= compared  # the helpers' entries


@pytest.mark.parametrize(("chart", "variable", "path"), CASES, ids=[f"{c}-{v}" for c, v, _ in CASES])
def test_a_charts_bounds_are_its_apps(chart, variable, path):
    app = app_bounds(APPS[chart].model_fields[variable.lower()])
    node = schema_at(chart, path)
    chart_bounds = {keyword: node[keyword] for keyword in SCHEMA_KEYWORDS if keyword in node}
    if (chart, path) in STRICTER:
        keyword, _why = STRICTER[chart, path]
        if keyword == "minimum":  # a higher minimum, within the app's range
            assert app["minimum"] < chart_bounds["minimum"] <= chart_bounds["maximum"]
            chart_bounds["minimum"] = app["minimum"]
        else:  # a rule the app does not have
            assert keyword not in app
            del chart_bounds[keyword]
    assert chart_bounds == app
