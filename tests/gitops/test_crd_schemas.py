"""gitops crd-schemas writes JSON Schemas derived from the CRDs an environment installs, in
the datreeio/CRDs-catalog layout, strict where the CRD is: an unknown field fails."""

import json

import jsonschema

from tests.support.gitops import run_command


def test_derived_schemas_are_written_and_strict(tmp_path):
    result = run_command("crd-schemas", "hml", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "schemas of" in result.stdout
    schema = json.loads((tmp_path / "monitoring.coreos.com" / "servicemonitor_v1.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "m"},
        "spec": {"selector": {}, "endpoints": [{"port": "metrics", "interval": "30s"}]},
    }
    assert list(validator.iter_errors(monitor)) == []
    monitor["spec"]["endpoints"][0]["intervall"] = "30s"
    assert [e.message for e in validator.iter_errors(monitor)] == [
        "Additional properties are not allowed ('intervall' was unexpected)"
    ]
    # Every served version of every CRD has its file; karpenter's from the OCI chart too.
    assert (tmp_path / "karpenter.sh" / "nodepool_v1.json").is_file()
    assert (tmp_path / "argoproj.io" / "application_v1alpha1.json").is_file()


def test_an_unknown_environment_is_one_line(tmp_path):
    result = run_command("crd-schemas", "staging", str(tmp_path))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("gitops crd-schemas: error: unknown environment 'staging'")
    )
