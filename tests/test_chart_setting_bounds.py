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
# Where a chart is stricter than its app, and why; anywhere else the two must be equal.
STRICTER = {
    ("gene-api", "app.port"): "the container runs as non-root: no port below 1024",
    ("gene-api", "app.metricsPort"): "the container runs as non-root: no port below 1024",
    ("worker", "app.metricsPort"): "the container runs as non-root: no port below 1024",
}
ENTRY = re.compile(r"^\s*([A-Z][A-Z0-9_]*): \{\{\s*(\.[A-Za-z0-9_.]+)")
OPENS = re.compile(r"\{\{-?\s*(with|if|range)\s+([^}]*?)\s*-?\}\}")
ENDS = re.compile(r"\{\{-?\s*end\s*-?\}\}")


def fed_settings(chart: str) -> dict[str, str]:
    """Each variable the ConfigMap sets from a value => that value's path (`app.port`)."""
    fed, scopes = {}, []
    for line in (REPO / "charts" / chart / "templates" / "configmap.yaml").read_text().splitlines():
        if opened := OPENS.search(line):
            keyword, argument = opened.groups()
            scopes.append(argument.removeprefix(".Values.") if keyword == "with" else None)
        if ENDS.search(line):
            scopes.pop()
        if entry := ENTRY.match(line):
            variable, expression = entry.groups()
            if expression.startswith(".Values."):
                fed[variable] = expression.removeprefix(".Values.")
            elif scopes and scopes[-1] and not scopes[-1].startswith("."):
                fed[variable] = f"{scopes[-1]}.{expression[1:]}"
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


def test_the_configmaps_are_read():
    assert len(CASES) >= 20  # the reading of the templates finds what they feed


@pytest.mark.parametrize(("chart", "variable", "path"), CASES, ids=[f"{c}-{v}" for c, v, _ in CASES])
def test_a_charts_bounds_are_its_apps(chart, variable, path):
    app = app_bounds(APPS[chart].model_fields[variable.lower()])
    node = schema_at(chart, path)
    chart_bounds = {keyword: node[keyword] for keyword in SCHEMA_KEYWORDS if keyword in node}
    if (chart, path) in STRICTER:  # a higher minimum, within the app's range; the rest equal
        assert app["minimum"] < chart_bounds["minimum"] <= chart_bounds["maximum"]
        chart_bounds["minimum"] = app["minimum"]
    assert chart_bounds == app
