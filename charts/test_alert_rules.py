"""Every app chart's alerts (templates/prometheusrule.yaml, on common.prometheusRule), as its
`everything` scenario renders them: promtool accepts them; promtool's unit tests
(tests/alerts.test.yaml, beside the chart's other tests) show each alert firing on series that
should fire it, with its labels and annotations, and silent on series that should not; every
alert has a severity, a summary, a description and a runbook that exists in docs/runbooks.

That each metric they name is one the running apps export is tests/test_metrics_contract.py's
concern."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.alert_rules import APP_CHARTS, alerts, rendered_rules
from tests.support.chart_values import REQUIRED, merged
from tests.support.helm import render_error
from tests.support.paths import CHARTS, REPO, TOOLS_BIN

PROMTOOL = TOOLS_BIN / "promtool"
RUNBOOKS = REPO / "docs" / "runbooks"
SEVERITIES = {"critical", "warning"}


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(PROMTOOL), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=APP_CHARTS)
def chart_rules(request, tmp_path_factory) -> tuple[str, dict, Path]:
    """The chart, its rendered rule, and a folder with rules.yaml and its unit tests beside."""
    chart = request.param
    rule = rendered_rules(chart)
    folder = tmp_path_factory.mktemp(f"rules-{chart}")
    (folder / "rules.yaml").write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}, sort_keys=False))
    shutil.copy(CHARTS / chart / "tests" / "alerts.test.yaml", folder / "alerts.test.yaml")
    return chart, rule, folder


def test_promtool_accepts_the_rules(chart_rules):
    _, _, folder = chart_rules
    result = promtool("check", "rules", "rules.yaml", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_unit_tests_pass(chart_rules):
    _, _, folder = chart_rules
    result = promtool("test", "rules", "alerts.test.yaml", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_shown_firing_and_silent(chart_rules):
    chart, rule, _ = chart_rules
    tests = yaml.safe_load((CHARTS / chart / "tests" / "alerts.test.yaml").read_text())
    assert tests["rule_files"] == ["rules.yaml"]
    cases = [case for test in tests["tests"] for case in test.get("alert_rule_test", [])]
    fired = {case["alertname"] for case in cases if case.get("exp_alerts")}
    silent = {case["alertname"] for case in cases if not case.get("exp_alerts")}
    names = {a["alert"] for a in alerts(rule)}
    assert names - fired == set(), "never shown firing"
    assert names - silent == set(), "never shown silent"
    assert (fired | silent) - names == set(), "tests of alerts the chart does not have"


def test_every_alert_says_how_bad_what_and_where_its_runbook_is(chart_rules):
    chart, rule, _ = chart_rules
    base = yaml.safe_load((CHARTS / chart / "ci" / "everything-values.yaml").read_text())["prometheusRule"][
        "runbookBaseUrl"
    ]
    for alert in alerts(rule):
        name = alert["alert"]
        assert alert["labels"]["severity"] in SEVERITIES, name
        assert {"summary", "description", "runbook_url"} <= set(alert["annotations"]), name
        url = alert["annotations"]["runbook_url"]
        assert url.startswith(f"{base}/"), name
        assert (RUNBOOKS / url.removeprefix(f"{base}/")).is_file(), f"{name}: {url} is no runbook"


def test_a_missing_runbook_base_is_refused(chart_rules):
    chart, _, _ = chart_rules
    values = merged(REQUIRED[chart], {"prometheusRule": {"enabled": True}})
    message = render_error(chart=chart, release=chart, values=values)
    assert "prometheusRule.runbookBaseUrl is required" in message
