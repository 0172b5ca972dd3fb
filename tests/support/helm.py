"""`helm template` from Python, in the style of the Apache Airflow chart's tests."""

import subprocess
import tempfile
from functools import cache
from pathlib import Path

import yaml

from tests.support.gitops import load_manifests
from tests.support.paths import CHARTS, HELM3


class HelmError(RuntimeError):
    """A failed render; the message is helm's stderr."""


@cache
def build_dependencies(chart: Path) -> None:
    """Vendor the chart's file:// dependencies (charts/common) once per test session."""
    subprocess.run([str(HELM3), "dependency", "build", str(chart)], check=True, capture_output=True)


def helm_template(
    chart: str | Path = "gene-api",
    values: dict | None = None,
    values_files: list[Path] = (),
    show_only: list[str] = (),
    release: str = "gene-api",
    namespace: str = "genes",
    helm: Path = HELM3,
) -> str:
    """The rendered YAML text; raises HelmError with helm's message on a failed render."""
    chart = chart if isinstance(chart, Path) else CHARTS / chart
    build_dependencies(chart)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as extra:
        yaml.safe_dump(values or {}, extra)
        command = [str(helm), "template", release, str(chart), "--namespace", namespace]
        for file in [*values_files, Path(extra.name)]:
            command += ["--values", str(file)]
        for template in show_only:
            command += ["--show-only", template]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HelmError(result.stderr)
    return result.stdout


def render_chart(**kwargs) -> list[dict]:
    """The rendered objects, parsed."""
    return load_manifests(helm_template(**kwargs))


def render_one(kind: str, **kwargs) -> dict:
    """The single object of a kind (show_only narrows to the template)."""
    objects = [o for o in render_chart(**kwargs) if o["kind"] == kind]
    assert len(objects) == 1, f"expected one {kind}, got {len(objects)}"
    return objects[0]


def render_error(**kwargs) -> str:
    """helm's error message of a render that must fail."""
    try:
        helm_template(**kwargs)
    except HelmError as error:
        return str(error)
    raise AssertionError("the render succeeded")
