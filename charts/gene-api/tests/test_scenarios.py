"""ci/*-values.yaml scenarios: each renders, validates strictly, renders byte-identically under
helm 3 and helm 4, and passes checkov (with the chart's stated skips)."""

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

SCENARIOS = scenarios("gene-api")
EXPECTED_KINDS = {
    "minimal": {
        "ConfigMap",
        "Deployment",
        "ExternalSecret",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    },
}


def test_the_three_scenarios_exist():
    assert [scenario_id(p) for p in SCENARIOS] == ["everything", "minimal", "production"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_renders_and_validates_strictly(scenario):
    objects = render_chart(values_files=[scenario])
    assert_valid(objects)
    if scenario_id(scenario) in EXPECTED_KINDS:
        assert {o["kind"] for o in objects} == EXPECTED_KINDS[scenario_id(scenario)]


def test_everything_scenario_renders_every_template():
    everything = CHARTS / "gene-api" / "ci" / "everything-values.yaml"
    assert rendered_templates("gene-api", everything) == chart_templates("gene-api")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_helm_3_and_helm_4_render_byte_identically(scenario):
    assert helm_template(values_files=[scenario], helm=HELM3) == helm_template(
        values_files=[scenario], helm=HELM4
    )


def test_checkov_finds_no_failed_check(tmp_path):
    failed, skipped, passed = checkov_report("gene-api", tmp_path)
    assert not failed, "\n".join(failed)
    assert passed > 100
    assert skipped == {"CKV_K8S_15", "CKV_K8S_35", "CKV_K8S_43"}
