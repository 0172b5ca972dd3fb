"""The ApplicationSets expand, for hml, to exactly the hand-written expected Applications;
prod differs where its env.yaml and cluster secret say so."""

from pathlib import Path

import yaml

from tests.support.gitops import applications

EXPECTED = Path(__file__).parent / "expected" / "hml-applications.yaml"


def by_name(apps: list[dict]) -> dict[str, dict]:
    return {app["metadata"]["name"]: app for app in apps}


def test_hml_expands_to_the_expected_applications():
    expected = by_name(yaml.safe_load(EXPECTED.read_text())["applications"])
    generated = by_name(applications("hml"))
    assert sorted(generated) == sorted(expected)
    for name, app in expected.items():
        assert generated[name] == app, name


def test_prod_syncs_by_hand_and_runs_the_worker_with_keda():
    generated = by_name(applications("prod"))
    assert {"worker-prod", "keda-prod"} <= set(generated)  # the worker scales by KEDA everywhere
    assert "automated" not in generated["worker-prod"]["spec"]["syncPolicy"]
    assert "automated" not in generated["gene-api-prod"]["spec"]["syncPolicy"]
    assert generated["gene-api-prod"]["spec"]["destination"] == {"name": "chr21-prod", "namespace": "chr21"}
