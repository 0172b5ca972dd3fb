"""ci/*-values.yaml scenarios: each renders, validates strictly (External Secrets and Prometheus Operator
kinds against their CRD schemas), renders byte-identically under helm 3 and helm 4, and passes
checkov (with the chart's stated skips)."""

import pytest

from tests.support.chart_scenarios import (
    chart_templates,
    checkov_report,
    rendered_templates,
    scenario_id,
    scenarios,
)
from tests.support.helm import helm_template, render_chart
from tests.support.paths import CHARTS, HELM3, HELM4
from tests.support.validate import assert_valid

SCENARIOS = scenarios("web")
EXPECTED_KINDS = {
    "minimal": {
        "ConfigMap",
        "Deployment",
        "ExternalSecret",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Job",
        "Service",
        "ServiceAccount",
    },
}


def test_the_three_scenarios_exist():
    assert [scenario_id(p) for p in SCENARIOS] == ["everything", "minimal", "production"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_renders_and_validates_strictly(scenario):
    objects = render_chart(chart="web", release="web", values_files=[scenario])
    assert_valid(objects)
    if scenario_id(scenario) in EXPECTED_KINDS:
        assert {o["kind"] for o in objects} == EXPECTED_KINDS[scenario_id(scenario)]


def test_everything_scenario_renders_every_template():
    everything = CHARTS / "web" / "ci" / "everything-values.yaml"
    assert rendered_templates("web", everything) == chart_templates("web")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_helm_3_and_helm_4_render_byte_identically(scenario):
    render = {"chart": "web", "release": "web", "values_files": [scenario]}
    assert helm_template(**render, helm=HELM3) == helm_template(**render, helm=HELM4)


def test_checkov_finds_no_failed_check(tmp_path):
    failed, skipped, passed = checkov_report("web", tmp_path)
    assert not failed, "\n".join(failed)
    assert passed > 100
    assert skipped == {"CKV_K8S_15", "CKV_K8S_35", "CKV_K8S_43"}
