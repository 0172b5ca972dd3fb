"""Objects validated by kubeconform (.tools/bin/kubeconform, built by scripts/bootstrap-tools),
`-strict`, for one Kubernetes release, against local schemas only, in this order:

1. core kinds: kubernetes-validate's shipped schemas of that release (a PyPI package of the
   workspace), copied once into .tools/kubernetes-schemas/ in kubeconform's layout and made to
   resolve offline: each names itself https://kubernetes.io/api/... (`$id`) and its definitions
   `/api/_definitions.json`, which only kubernetes-validate's own resolver maps to a file; the
   copies drop the `$id` and point at the `_definitions.json` beside them;
2. custom resources: schemas derived from the CRDs among the objects validated (the versions
   the environment really installs: crdschemas), then the CRD schema folders given.

Nothing is fetched, and `-ignore-missing-schemas` is never passed: a kind with no schema is an
error that names it. A `List` is validated as its items, as Argo CD applies them.
"""

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

import kubernetes_validate
import yaml

from ..checkout import REPO
from . import crdschemas

KUBECONFORM = REPO / ".tools" / "bin" / "kubeconform"
CORE_SCHEMAS = REPO / ".tools" / "kubernetes-schemas"
# kubeconform's templates: the core layout (as its default location), and datreeio/CRDs-catalog's.
CORE_LAYOUT = (
    "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
CRD_LAYOUT = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"


class ValidationFailed(ValueError):
    """kubeconform could not run, or gave no verdict for an object."""


@dataclass(frozen=True)
class Verdict:
    kind: str
    name: str
    status: str  # valid, invalid, error (no schema among them), skipped, empty
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.status}" + (f": {self.message}" if self.message else "")


def core_schemas(kubernetes_version: str) -> Path:
    """The folder holding <v{version}>-standalone-strict/ for kubeconform, written on first use
    (whole or not at all) from kubernetes-validate's schemas of that release."""
    version = kubernetes_version.removeprefix("v")
    shipped = (
        Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{version}-local-strict"
    )
    if not shipped.is_dir():
        raise ValidationFailed(
            f"kubernetes-validate {package_version('kubernetes-validate')} ships no schemas of "
            f"Kubernetes {version}"
        )
    root = CORE_SCHEMAS / f"kubernetes-validate-{package_version('kubernetes-validate')}"
    target = root / f"v{version}-standalone-strict"
    if target.is_dir():
        return root
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.writing-", dir=root))
    try:
        for schema in shipped.glob("*.json"):
            document = json.loads(schema.read_text())
            document.pop("$id", None)
            (staging / schema.name).write_text(json.dumps(_local_refs(document)))
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _local_refs(node):
    """The schema with `/api/_definitions.json#...` references made relative to its folder."""
    if isinstance(node, dict):
        return {
            key: value.replace("/api/_definitions.json#", "_definitions.json#", 1)
            if key == "$ref" and isinstance(value, str)
            else _local_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_local_refs(item) for item in node]
    return node


def validate(objects: list[dict], kubernetes_version: str, crd_folders: list[Path] = ()) -> list[Verdict]:
    """kubeconform's verdict on each object (a List counts as its items), in their order."""
    if not KUBECONFORM.is_file():
        raise ValidationFailed(f"{KUBECONFORM} is missing: run scripts/bootstrap-tools")
    flat = [
        item for obj in objects for item in (obj.get("items") or [] if obj.get("kind") == "List" else [obj])
    ]
    with tempfile.TemporaryDirectory(prefix="kubeconform-") as work:
        derived = Path(work) / "derived"
        for crd in (o for o in flat if o.get("kind") == "CustomResourceDefinition"):
            for (group, kind, version), schema in crdschemas.schemas_of(crd).items():
                path = derived / group / f"{kind.lower()}_{version}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(schema))
        # One file an object, numbered: kubeconform's workers report in any order.
        manifests = Path(work) / "objects"
        manifests.mkdir()
        for number, obj in enumerate(flat):
            (manifests / f"{number:06d}.yaml").write_text(yaml.safe_dump(obj, sort_keys=False))
        command = [
            str(KUBECONFORM),
            "-strict",
            "-summary",
            "-verbose",
            "-output=json",
            f"-kubernetes-version={kubernetes_version.removeprefix('v')}",
            f"-schema-location={core_schemas(kubernetes_version)}/{CORE_LAYOUT}",
            *(f"-schema-location={folder}/{CRD_LAYOUT}" for folder in [derived, *crd_folders]),
            "-n=2",
            str(manifests),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"kubeconform: {result.stderr.strip() or error}") from error
    verdicts = [
        Verdict(r.get("kind", ""), r.get("name", ""), r["status"].removeprefix("status"), r.get("msg", ""))
        for r in sorted(report.get("resources") or [], key=lambda r: Path(r["filename"]).name)
    ]
    if len(verdicts) != len(flat):
        raise ValidationFailed(
            f"kubeconform judged {len(verdicts)} of {len(flat)} objects: {result.stderr.strip()}"
        )
    return verdicts
