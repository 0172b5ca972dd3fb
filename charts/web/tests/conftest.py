"""Renders of the web chart for its unit tests (Airflow-chart style: helm template, one
concern a file)."""

import pytest

from tests.support.chart_values import REQUIRED as CHART_REQUIRED
from tests.support.chart_values import merged
from tests.support.helm import render_chart, render_error

REQUIRED = CHART_REQUIRED["web"]


@pytest.fixture
def render():
    """The chart's objects by kind, with the required values plus `values`."""

    def rendered(values: dict | None = None) -> dict[str, dict]:
        objects = render_chart(chart="web", release="web", values=merged(REQUIRED, values or {}))
        return {obj["kind"]: obj for obj in objects}

    return rendered


@pytest.fixture
def failure():
    def failed(values: dict) -> str:
        return render_error(chart="web", release="web", values=merged(REQUIRED, values))

    return failed


@pytest.fixture
def render_all():
    """Every object of the chart (a kind may come more than once), with the required values plus `values`."""

    def rendered(values: dict | None = None) -> list[dict]:
        return render_chart(chart="web", release="web", values=merged(REQUIRED, values or {}))

    return rendered
