"""ci/*-values.yaml scenarios: each renders, validates strictly, renders byte-identically under
helm 3 and helm 4, and passes checkov (with the chart's stated skips)."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.helm import helm_template, render_chart
from tests.support.paths import CHARTS, CHECKOV, HELM3, HELM4
from tests.support.validate import assert_valid

SCENARIOS = sorted((CHARTS / "gene-api" / "ci").glob("*-values.yaml"))
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


def scenario_id(path: Path) -> str:
    return path.name.removesuffix("-values.yaml")


def test_the_three_scenarios_exist():
    assert [scenario_id(p) for p in SCENARIOS] == ["everything", "minimal", "production"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_renders_and_validates_strictly(scenario):
    objects = render_chart(values_files=[scenario])
    assert_valid(objects)
    if scenario_id(scenario) in EXPECTED_KINDS:
        assert {o["kind"] for o in objects} == EXPECTED_KINDS[scenario_id(scenario)]


def test_everything_scenario_renders_every_template():
    templates = {p.name for p in (CHARTS / "gene-api" / "templates").glob("*.yaml")}
    rendered = helm_template(values_files=[CHARTS / "gene-api" / "ci" / "everything-values.yaml"])
    sources = {
        line.split("/")[-1]
        for line in rendered.splitlines()
        if line.startswith("# Source: gene-api/templates/")
    }
    assert sources == templates


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_helm_3_and_helm_4_render_byte_identically(scenario):
    assert helm_template(values_files=[scenario], helm=HELM3) == helm_template(
        values_files=[scenario], helm=HELM4
    )


def test_checkov_finds_no_failed_check(tmp_path):
    for scenario in SCENARIOS:
        (tmp_path / f"{scenario_id(scenario)}.yaml").write_text(helm_template(values_files=[scenario]))
    result = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(tmp_path),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--compact",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in report["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert report["summary"]["passed"] > 100
    skipped = {c["check_id"] for c in report["results"]["skipped_checks"]}
    assert skipped == {"CKV_K8S_15", "CKV_K8S_35", "CKV_K8S_43"}
