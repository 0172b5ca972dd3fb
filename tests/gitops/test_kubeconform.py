"""kubeconform, the offline validator of the charts' ci scenarios (charts/*/tests): -strict,
for a Kubernetes release, against local schemas only; a kind with no schema is an error naming
it, never skipped. What each environment renders is validated by the API server itself instead,
with strict field validation, CEL rules and admission (gitops rehearse, tests/controlplane)."""

import json

import pytest
import yaml

from tests.support.gitops import kubeconform_validate
from tests.support.paths import REPO, crd_schemas_dir


def kube_version(env: str) -> str:
    return str(
        yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]["kubeVersion"]
    )


def verdicts(objects, version="1.33.0"):
    return kubeconform_validate(objects, version, [crd_schemas_dir()])


DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api"},
    "spec": {
        "selector": {"matchLabels": {"app": "api"}},
        "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {"containers": [{"name": "api", "image": "api:1"}]},
        },
    },
}


def test_a_valid_object_passes_and_an_unknown_field_is_refused():
    typo = json.loads(json.dumps(DEPLOYMENT))
    typo["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    good, bad = verdicts([DEPLOYMENT, typo])
    assert good.status == "Valid"
    assert bad.status == "Invalid"
    assert "imagePullPolicyy" in bad.message


def test_a_kind_without_a_schema_is_an_error_naming_it():
    (verdict,) = verdicts(
        [{"apiVersion": "widgets.example.org/v1", "kind": "Widget", "metadata": {"name": "w"}}]
    )
    assert verdict.status == "Error"
    assert "could not find schema for Widget" in verdict.message


def test_a_list_is_validated_as_its_items():
    broken = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": 1}}
    listed = {"apiVersion": "v1", "kind": "List", "items": [DEPLOYMENT, broken]}
    assert [v.status for v in verdicts([listed])] == ["Valid", "Invalid"]


def test_a_custom_resource_is_judged_by_the_crd_among_the_objects():
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.example.org"},
        "spec": {
            "group": "example.org",
            "names": {"kind": "Gadget", "plural": "gadgets", "singular": "gadget", "listKind": "GadgetList"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}
                            },
                        }
                    },
                }
            ],
        },
    }
    gadget = {"apiVersion": "example.org/v1", "kind": "Gadget", "metadata": {"name": "g"}}
    judged = verdicts([crd, {**gadget, "spec": {"size": 3}}, {**gadget, "spec": {"colour": "red"}}])
    assert [v.status for v in judged] == ["Valid", "Valid", "Invalid"]
    assert "colour" in judged[2].message


@pytest.mark.parametrize("env", ["hml", "prod"])
def test_the_core_schemas_resolve_offline(env):
    """The copies name no remote base and no remote definitions: nothing to fetch."""
    verdicts([DEPLOYMENT], kube_version(env))  # writes them on first use
    (folder,) = (REPO / ".tools" / "kubernetes-schemas").glob(f"*/v{kube_version(env)}-standalone-strict")
    for schema in [folder / "deployment-apps-v1.json", folder / "_definitions.json"]:
        text = schema.read_text()
        assert '"$id"' not in text
        assert '"$ref": "http' not in text
        assert '"$ref": "/' not in text
