"""The Grafana dashboards the charts ship (charts/<chart>/dashboards/*.json) and their queries,
with Grafana's variables put back to PromQL for parsing."""

import json
import re
from pathlib import Path

from tests.support.paths import CHARTS

DASHBOARD_CHARTS = ["gene-api", "web", "worker", "platform"]
# Grafana's interval variables, as PromQL durations.
INTERVALS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def dashboard_files(chart: str) -> list[Path]:
    return sorted((CHARTS / chart / "dashboards").glob("*.json"))


def panel_queries(panel: dict) -> list[str]:
    return [target["expr"] for target in panel.get("targets", [])]


def all_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, query) of every panel of every chart's dashboards."""
    return [
        (path.name, panel["title"], query)
        for chart in DASHBOARD_CHARTS
        for path in dashboard_files(chart)
        for panel in json.loads(path.read_text())["panels"]
        for query in panel_queries(panel)
    ]


def promql(query: str) -> str:
    """A panel's query as PromQL: interval variables become durations; label values such as
    "$namespace" are strings already."""
    for variable, duration in INTERVALS.items():
        query = query.replace(variable, duration)
    if re.search(r"\$__\w+", query):
        raise ValueError(f"a Grafana variable this reading does not know: {query}")
    return query
