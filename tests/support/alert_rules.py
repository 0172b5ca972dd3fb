"""The app charts' alerts as their `everything` scenario renders them (namespace chr21, as the
environments'): for promtool (charts/test_alert_rules.py) and for the scrape of the running
apps (tests/test_metrics_contract.py)."""

from functools import cache

from tests.support.helm import render_chart
from tests.support.paths import CHARTS

APP_CHARTS = ["gene-api", "web", "worker"]
NAMESPACE = "chr21"


@cache
def rendered_rules(chart: str) -> dict:
    """The chart's PrometheusRule (rendered once per test process; callers only read it)."""
    objects = render_chart(
        chart=chart,
        release=chart,
        namespace=NAMESPACE,
        values_files=[CHARTS / chart / "ci" / "everything-values.yaml"],
    )
    (rule,) = [o for o in objects if o["kind"] == "PrometheusRule"]
    return rule


def alerts(rule: dict) -> list[dict]:
    return [r for group in rule["spec"]["groups"] for r in group["rules"] if "alert" in r]
