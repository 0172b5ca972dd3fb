"""checkov over what an environment renders, one result per Application.

The CRDs are left out (they are schemas, not workloads, and they would push
kube-prometheus-stack past checkov's 5 MB file limit, which skips a file silently).
"""

import json
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..checkout import REPO
from .repo import DUMPER, load_manifests

CHECKOV = REPO / ".tools" / "bin" / "checkov"


@dataclass
class Result:
    passed: int = 0
    # (check id, resource) of every failed check
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0

    def failed_by_check(self) -> Counter:
        return Counter(check for check, _ in self.failed)


def scan(rendered: Path) -> dict[str, Result]:
    """{Application: Result} of every Application folder under `rendered` (gitops render's OUTDIR)."""
    with tempfile.TemporaryDirectory(prefix="checkov-") as scratch:
        names = []
        for manifests in sorted(rendered.glob("*/manifests.yaml")):
            objects = [
                o for o in load_manifests(manifests.read_text()) if o["kind"] != "CustomResourceDefinition"
            ]
            name = manifests.parent.name
            names.append(name)
            Path(scratch, f"{name}.yaml").write_text(yaml.dump_all(objects, Dumper=DUMPER, sort_keys=False))
        command = [str(CHECKOV), "--directory", scratch, "--framework", "kubernetes", "--skip-download"]
        command += ["--output", "json"]
        report = json.loads(
            subprocess.run(command, capture_output=True, text=True, check=False).stdout or "{}"
        )
    results = {name: Result() for name in names}
    for kind, checks in (report.get("results") or {}).items():
        for check in checks:
            result = results[Path(check["file_path"]).stem]
            if kind == "failed_checks":
                result.failed.append((check["check_id"], check["resource"]))
            elif kind == "passed_checks":
                result.passed += 1
            elif kind == "skipped_checks":
                result.skipped += 1
    return results


def summary(results: dict[str, Result]) -> str:
    lines = [f"  {'Application':<36} {'passed':>6} {'failed':>6}  failed checks"]
    for name, result in results.items():
        checks = ", ".join(f"{check}x{count}" for check, count in sorted(result.failed_by_check().items()))
        lines.append(f"  {name:<36} {result.passed:>6} {len(result.failed):>6}  {checks}")
    return "\n".join(lines)
