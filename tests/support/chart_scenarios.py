"""The ci/*-values.yaml scenarios of a chart (one file a scenario), and what every chart's
scenario tests check: strict validation, every template rendered, helm 3 = helm 4, checkov."""

import json
import subprocess
from pathlib import Path

from tests.support.helm import helm_template
from tests.support.paths import CHARTS, CHECKOV


def scenarios(chart: str) -> list[Path]:
    return sorted((CHARTS / chart / "ci").glob("*-values.yaml"))


def scenario_id(path: Path) -> str:
    return path.name.removesuffix("-values.yaml")


def rendered_templates(chart: str, scenario: Path) -> set[str]:
    """The template files a render of the scenario used."""
    rendered = helm_template(chart=chart, release=chart, values_files=[scenario])
    prefix = f"# Source: {chart}/templates/"
    return {line.split("/")[-1] for line in rendered.splitlines() if line.startswith(prefix)}


def chart_templates(chart: str) -> set[str]:
    return {p.name for p in (CHARTS / chart / "templates").glob("*.yaml")}


def checkov_report(chart: str, folder: Path) -> tuple[list[str], set[str], int]:
    """checkov on every scenario's render: (failed checks, skipped check ids, passed count)."""
    for scenario in scenarios(chart):
        text = helm_template(chart=chart, release=chart, values_files=[scenario])
        (folder / f"{scenario_id(scenario)}.yaml").write_text(text)
    command = [str(CHECKOV), "--directory", str(folder), "--framework", "kubernetes"]
    command += ["--skip-download", "--compact", "--output", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in report["results"]["failed_checks"]
    ]
    skipped = {c["check_id"] for c in report["results"]["skipped_checks"]}
    return failed, skipped, report["summary"]["passed"]
