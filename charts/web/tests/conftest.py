"""Renders of the web chart for the tests left in pytest: those that compare it with another layer
(the app's code, the gene-api chart) or with another render. What one template renders is tested
by the helm-unittest suites beside this file (*_test.yaml: `helm unittest charts/web`)."""

import pytest

from tests.support.chart_values import REQUIRED as CHART_REQUIRED
from tests.support.chart_values import merged
from tests.support.helm import render_chart

REQUIRED = CHART_REQUIRED["web"]


@pytest.fixture
def render():
    """The chart's objects by kind, with the required values plus `values`."""

    def rendered(values: dict | None = None) -> dict[str, dict]:
        objects = render_chart(chart="web", release="web", values=merged(REQUIRED, values or {}))
        return {obj["kind"]: obj for obj in objects}

    return rendered
