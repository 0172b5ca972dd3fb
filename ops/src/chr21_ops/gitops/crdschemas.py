"""JSON Schemas derived from CustomResourceDefinitions, openapi2jsonschema's way: one schema
per served version, from its `openAPIV3Schema`, strict (no unknown fields) wherever the CRD
lists properties and does not preserve unknown fields. Written in the datreeio/CRDs-catalog
layout, {group}/{kind}_{version}.json, so a validator can take either folder.

    gitops crd-schemas ENV [OUTDIR]   (default OUTDIR: .tools/crd-schemas, ignored by git)

The CRDs are those `gitops render ENV` renders: the versions Argo CD would really install.
"""

import copy
import json
from pathlib import Path

from ..checkout import REPO

CACHE = REPO / ".tools" / "crd-schemas"


def _strict(node: dict) -> dict:
    """A JSON Schema (draft 7) of one OpenAPI v3 structural-schema node."""
    node = copy.copy(node)
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.pop("nullable", False) and "type" in node:
        node["type"] = [node["type"], "null"]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    embedded = node.pop("x-kubernetes-embedded-resource", False)
    for key in [k for k in node if k.startswith("x-kubernetes-")]:
        node.pop(key)
    if "properties" in node:
        node["properties"] = {name: _strict(child) for name, child in node["properties"].items()}
        if embedded:  # an object of its own kind: apiVersion, kind and metadata are implied
            for implied in ("apiVersion", "kind", "metadata"):
                node["properties"].setdefault(implied, {})
        if not preserve and "additionalProperties" not in node:
            node["additionalProperties"] = False
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _strict(node["additionalProperties"])
    if isinstance(node.get("items"), dict):
        node["items"] = _strict(node["items"])
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in node:
            node[combinator] = [_strict(child) for child in node[combinator]]
    if "not" in node:
        node["not"] = _strict(node["not"])
    return node


def schemas_of(crd: dict) -> dict[tuple[str, str, str], dict]:
    """{(group, kind, version): JSON Schema} of every served version of a CRD."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    found = {}
    for version in crd["spec"]["versions"]:
        if not version.get("served", True):
            continue
        source = (version.get("schema") or {}).get("openAPIV3Schema") or {"type": "object"}
        schema = _strict(source)
        properties = schema.setdefault("properties", {})
        properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        properties["kind"] = {"type": "string", "enum": [kind]}
        properties.setdefault("metadata", {"type": "object"})
        found[(group, kind, version["name"])] = schema
    return found


def write(crds: list[dict], out: Path) -> int:
    """Write the schemas of `crds` under `out`; returns how many."""
    count = 0
    for crd in crds:
        for (group, kind, version), schema in schemas_of(crd).items():
            path = out / group / f"{kind.lower()}_{version}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(schema, sort_keys=True) + "\n")
            count += 1
    return count
