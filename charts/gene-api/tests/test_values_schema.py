"""values.schema.json: a key that does not exist fails the render; helm lint --strict is clean."""

import subprocess

import pytest

from tests.support.chart_values import REQUIRED
from tests.support.helm import build_dependencies, render_error
from tests.support.paths import CHARTS, HELM3

DB = REQUIRED["gene-api"]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"replicaCoutn": 3}, "replicaCoutn"),
        ({"image": {"tagg": "1"}}, "tagg"),
        ({"ingress": {"enabled": True, "hots": "x"}}, "hots"),
        ({"networkPolicy": {"databaseCidr": "not-a-cidr"}}, "databaseCidr"),
        ({"app": {"logLevel": "LOUD"}}, "logLevel"),
        ({"podSecurityContext": {"runAsUserr": 1}}, "runAsUserr"),
    ],
)
def test_unknown_or_invalid_values_fail_the_render(values, says):
    assert says in render_error(values={**DB, **values})


def test_helm_lint_strict_is_clean():
    chart = CHARTS / "gene-api"
    build_dependencies(chart)
    result = subprocess.run(
        [str(HELM3), "lint", "--strict", str(chart), "--values", str(chart / "ci" / "minimal-values.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[WARNING]" not in result.stdout
