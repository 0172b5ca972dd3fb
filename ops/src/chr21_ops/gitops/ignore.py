"""An Application's ignoreDifferences applied to rendered objects, as Argo CD applies it when it
compares desired and live state: the fields listed are not compared. gitops diff masks them,
so a field a chart makes anew at every render (a certificate) never shows as a change."""

import re

MASK = "(ignored by the Application's ignoreDifferences)"


def _mask(node, path: list[str]) -> None:
    if not path or node is None:
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        for item in node if isinstance(node, list) else []:
            _mask(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            _mask(node[head], rest)
        else:
            node[head] = MASK


def _applies(rule: dict, obj: dict) -> bool:
    metadata = obj.get("metadata", {})
    group = obj.get("apiVersion", "").rpartition("/")[0]
    return (
        rule.get("kind") == obj.get("kind")
        and rule.get("group", "") in ("", group)
        and rule.get("name", metadata.get("name")) == metadata.get("name")
        and rule.get("namespace", metadata.get("namespace")) == metadata.get("namespace")
    )


def masked(obj: dict, ignore_differences: list[dict]) -> dict:
    """`obj` with every field its Application ignores replaced by MASK (in place; returned).
    JSON pointers and the jq paths of the form `.a.b[].c` are understood."""
    for rule in ignore_differences:
        if not _applies(rule, obj):
            continue
        for pointer in rule.get("jsonPointers", []):
            _mask(obj, [part for part in pointer.split("/") if part])
        for expression in rule.get("jqPathExpressions", []):
            _mask(obj, re.findall(r"\[\]|[^.\[\]]+", expression))
    return obj
