"""charts/platform's ci/*-values.yaml scenarios, and what its helm-unittest suites
(tests/*_test.yaml) cannot check: strict validation against the Kubernetes and CRD schemas
(kubeconform), the same objects from helm 3 and helm 4 (as objects, not bytes: helm 4 ends each
document with a blank line helm 3 leaves out), and every template used by `everything`.
(`helm lint --strict`: make test's helm-lint checks and charts/test_lint.py.)"""

import pytest

from tests.support.chart_scenarios import chart_templates, rendered_templates, scenario_id, scenarios
from tests.support.helm import render_chart
from tests.support.paths import CHARTS, HELM3, HELM4
from tests.support.validate import assert_valid

CHART = CHARTS / "platform"
SCENARIOS = scenarios("platform")
MINIMAL_KINDS = {
    "Namespace",
    "ClusterSecretStore",
    "EC2NodeClass",
    "NodePool",
    "ExternalSecret",
    "NetworkPolicy",
}


def test_the_scenarios_exist():
    assert [scenario_id(p) for p in SCENARIOS] == ["everything", "minimal", "production"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_renders_and_validates_strictly(scenario):
    objects = render_chart(chart="platform", release="platform", values_files=[scenario])
    assert_valid(objects)
    if scenario_id(scenario) == "minimal":
        assert {o["kind"] for o in objects} == MINIMAL_KINDS


def test_everything_scenario_renders_every_template():
    everything = CHART / "ci" / "everything-values.yaml"
    assert rendered_templates("platform", everything) == chart_templates("platform")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_helm_3_and_helm_4_render_the_same_objects(scenario):
    render = {"chart": "platform", "release": "platform", "values_files": [scenario]}
    assert render_chart(**render, helm=HELM3) == render_chart(**render, helm=HELM4)
