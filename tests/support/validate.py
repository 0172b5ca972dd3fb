"""Strict validation of rendered objects: core kinds with kubernetes-validate, custom
resources against JSON Schemas: derived from the CRDs among the objects validated (the
versions that will really be installed, scripts/gitops/crdschemas.py), else from the CRD
schema folder (../shared/schemas or $CRD_SCHEMAS_DIR). An object whose kind has no schema fails."""

import json
from functools import cache
from pathlib import Path

import jsonschema
import kubernetes_validate
from gitops import crdschemas

from tests.support.paths import KUBERNETES_VERSION, crd_schemas_dir


@cache
def _crd_validator(path: Path) -> jsonschema.Draft7Validator:
    # One validator per schema file: the ApplicationSet schema is 2 MB.
    return jsonschema.Draft7Validator(json.loads(path.read_text()))


@cache
def _derived_validator(schema_json: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(schema_json))


def derived_validators(objects: list[dict]) -> dict[tuple[str, str, str], jsonschema.Draft7Validator]:
    """{(group, kind, version): validator} of every CRD among `objects`."""
    return {
        key: _derived_validator(json.dumps(schema, sort_keys=True))
        for crd in objects
        if crd.get("kind") == "CustomResourceDefinition"
        for key, schema in crdschemas.schemas_of(crd).items()
    }


def crd_schema_path(obj: dict) -> Path | None:
    group, _, version = obj["apiVersion"].rpartition("/")
    if "." not in group or group.endswith(".k8s.io"):
        return None  # a core kind
    return crd_schemas_dir() / group / f"{obj['kind'].lower()}_{version}.json"


def validation_errors(obj: dict, derived: dict | None = None) -> list[str]:
    """Every reason the object is invalid; empty when it is valid."""
    where = f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}"
    group, _, version = obj["apiVersion"].rpartition("/")
    validator = (derived or {}).get((group, obj["kind"], version))
    if validator is not None:
        return [f"{where}: {e.json_path}: {e.message}" for e in validator.iter_errors(obj)]
    schema = crd_schema_path(obj)
    if schema is not None:
        if not schema.is_file():
            return [f"{where}: no schema for {obj['apiVersion']} {obj['kind']} (looked for {schema})"]
        return [f"{where}: {e.json_path}: {e.message}" for e in _crd_validator(schema).iter_errors(obj)]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [
            f"{where}: no schema for {obj['apiVersion']} {obj['kind']} in Kubernetes {KUBERNETES_VERSION}"
        ]
    except kubernetes_validate.ValidationError as error:
        return [f"{where}: {'.'.join(map(str, error.path))}: {error.message}"]
    return []


def assert_valid(objects: list[dict]) -> None:
    derived = derived_validators(objects)
    errors = [e for obj in objects for e in validation_errors(obj, derived)]
    assert not errors, "\n".join(errors)
