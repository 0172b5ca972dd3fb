"""`helm lint --strict` of every chart without values, with helm 3 and helm 4 (make test's
helm-lint checks lint each ci/ scenario). A chart's defaults need the cluster's values, so lint
reports each missing `required` value by name; helm's lint mode logs a failed `required` (or
`fail`) and renders on, so a template that breaks on the empty values shows here as an error
(the worker's SQS region helper did: "index out of range")."""

import re
import subprocess

import pytest

from tests.support.helm import build_dependencies
from tests.support.paths import CHARTS, HELM3, HELM4

HELMS = {"helm3": HELM3, "helm4": HELM4}
CHARTS_UNDER_TEST = ["gene-api", "platform", "web", "worker"]
# A failed `required` in lint mode: helm 3 `[INFO] Missing required value: <message>`, helm 4
# `msg="missing required values" message="<message>"`.
REQUIRED_LINE = re.compile(r'[Mm]issing required values?(?::|" message=")\s*(.+?)"?$', re.MULTILINE)
# A failed `fail` in lint mode: helm 3 `[INFO] Fail: <message>`, helm 4 `msg="funcMap fail"`.
FAIL_LINE = re.compile(r'(?:\[INFO\] Fail: |msg="funcMap fail" message=")(.+?)"?$', re.MULTILINE)
# What each chart cannot render without, as its `required` messages name it.
MUST_BE_GIVEN = {
    "gene-api": {
        "database.host",
        "pipeline.sqsQueueUrl",
        "pipeline.uploadsLocation",
        "pipeline.resultsLocation",
    },
    "worker": {
        "database.host",
        "pipeline.sqsQueueUrl",
        "pipeline.uploadsLocation",
        "pipeline.resultsLocation",
    },
    "web": {"database.host"},
    "platform": {
        "cluster.name",
        "cluster.region",
        "cluster.karpenterNodeRole",
        "cluster.databaseCidr",
        "cluster.environment",
        "grafanaAdmin.secretsManagerKey",
        "alertmanagerReceivers.secretsManagerKey",
    },
}


def lint(helm: str, chart: str) -> str:
    build_dependencies(CHARTS / chart)
    command = [str(HELMS[helm]), "lint", "--strict", str(CHARTS / chart)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.mark.parametrize("helm", HELMS)
@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_lint_without_values_names_each_missing_value_and_nothing_breaks(chart, helm):
    output = lint(helm, chart)
    named = {message.split()[0] for message in REQUIRED_LINE.findall(output)}
    assert named == MUST_BE_GIVEN[chart], output
    assert "[ERROR]" not in output, output
    assert "level=ERROR" not in output, output
    assert "[WARNING]" not in output, output
    # The web chart's one `fail` (either of two values will do): Django answers only the hosts it is told.
    fails = {message.split(":")[0] for message in FAIL_LINE.findall(output)}
    assert fails == ({"ingress.host or app.extraAllowedHosts is required"} if chart == "web" else set()), (
        output
    )
