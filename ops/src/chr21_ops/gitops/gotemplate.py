"""Go templates as Argo CD's ApplicationSet controller evaluates them, by helm's engine.

Helm embeds the same text/template engine and sprig functions; a scratch chart `tpl`s
each template with its parameters. Argo CD runs with `missingkey=error`, while helm's
`tpl` renders a missing key as empty, so every field a template reads (`.a.b`, or
`$var.c` of a `$var := .a`) is checked against the parameters first.
"""

import base64
import json
import re
import subprocess
import tempfile
from pathlib import Path

from ..checkout import HELM

_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|`[^`]*`')
_FIELD = re.compile(r"(?<![\w$)\].])((?:\$\w*)?(?:\.[A-Za-z_]\w*)+)")
_ASSIGN = re.compile(r"\$(\w+)\s*:?=\s*(\.[A-Za-z_][\w.]*)")
_CHART = """apiVersion: v2
name: gotemplate
version: 0.0.0
"""
_TEMPLATE = """{{- range $i, $job := .Values.jobs }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: job-{{ $i }}
data:
  result: {{ tpl $job.template $job.params | b64enc | quote }}
{{- end }}
"""


class TemplateError(ValueError):
    """A template that Argo CD would refuse; the message says which and why."""


# Functions helm's engine has and Argo CD's (sprig's generic set, applicationset/utils/utils.go)
# has not: a template calling one renders here but fails in the ApplicationSet controller.
HELM_ONLY_FUNCTIONS = (
    "include",
    "required",
    "tpl",
    "lookup",
    "toToml",
    "fromToml",
    "fromJson",
    "fromJsonArray",
)
_CALL = re.compile(r"(?<![\w.$])(" + "|".join(HELM_ONLY_FUNCTIONS) + r")\b")


def helm_only_functions(template: str) -> list[str]:
    actions = [_STRING.sub('""', a) for a in _ACTION.findall(template)]
    return sorted({name for action in actions for name in _CALL.findall(action)})


def fields(template: str) -> set[str]:
    """The dotted fields a template reads, with `$var` resolved to what it was assigned."""
    actions = [_STRING.sub('""', a) for a in _ACTION.findall(template) if not a.strip().startswith("/*")]
    variables = {name: chain for action in actions for name, chain in _ASSIGN.findall(action)}
    found = set()
    for action in actions:
        for chain in _FIELD.findall(action):
            if chain.startswith("$"):
                name, _, rest = chain[1:].partition(".")
                if name not in variables:
                    continue  # a range or with variable: not checked
                chain = variables[name] + "." + rest
            found.add(chain)
    return found


def missing_fields(template: str, params: dict) -> list[str]:
    missing = []
    for chain in sorted(fields(template)):
        value = params
        for key in chain.strip(".").split("."):
            if not isinstance(value, dict) or key not in value:
                missing.append(chain)
                break
            value = value[key]
    return missing


def render_all(jobs: list[tuple[str, dict]]) -> list[str]:
    """Each (template, params) rendered; one helm call for all of them."""
    for template, params in jobs:
        helm_only = helm_only_functions(template)
        if helm_only:
            raise TemplateError(
                f"{', '.join(helm_only)}: not a function of Argo CD's templates (sprig's), in "
                f"{template.strip()[:200]!r}"
            )
        missing = missing_fields(template, params)
        if missing:
            raise TemplateError(
                f"missingkey=error: {', '.join(missing)} not among the parameters "
                f"{sorted(params)} in template {template.strip()[:200]!r}"
            )
    if not jobs:
        return []
    with tempfile.TemporaryDirectory() as scratch:
        chart = Path(scratch)
        (chart / "templates").mkdir()
        (chart / "Chart.yaml").write_text(_CHART)
        (chart / "templates" / "jobs.yaml").write_text(_TEMPLATE)
        (chart / "values.yaml").write_text(
            json.dumps({"jobs": [{"template": t, "params": p} for t, p in jobs]})
        )
        result = subprocess.run(
            [str(HELM), "template", "gotemplate", str(chart)], capture_output=True, text=True
        )
    if result.returncode != 0:
        raise TemplateError(result.stderr.strip())
    encoded = re.findall(r'result: "([A-Za-z0-9+/=]*)"', result.stdout)
    assert len(encoded) == len(jobs), "helm rendered a different number of templates"
    return [base64.b64decode(e).decode() for e in encoded]
