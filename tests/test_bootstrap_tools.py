"""scripts/bootstrap-tools: pinned helm 3 and helm 4, homes inside .tools/, clear failures."""

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".tools" / "bin"


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def test_helm_3_and_helm_4_are_the_pinned_versions(pins):
    assert run(str(BIN / "helm"), "version", "--short").stdout.startswith(pins["HELM3_VERSION"] + "+")
    assert run(str(BIN / "helm4"), "version", "--short").stdout.startswith(pins["HELM4_VERSION"] + "+")


def test_helm_keeps_its_homes_inside_tools():
    env = run(str(BIN / "helm"), "env").stdout
    for home in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        assert f'{home}="{REPO / ".tools"}' in env


def test_checkov_is_the_pinned_version_in_its_own_virtualenv(pins):
    checkov = BIN / "checkov"
    assert checkov.resolve().is_relative_to(REPO / ".tools")
    shebang = checkov.resolve().read_text().splitlines()[0]
    assert str(REPO / ".tools") in shebang  # not the workspace's .venv
    assert (REPO / ".tools" / "stamps" / "checkov").read_text() == pins["CHECKOV_VERSION"]


def test_bedtools_is_the_debian_12_version(pins):
    assert run("bedtools", "--version").stdout.strip() == f"bedtools {pins['BEDTOOLS_VERSION']}"


def test_promtool_and_amtool_are_unpacked_from_packages_that_are_not_installed(pins):
    for tool, package in (
        ("promtool", "PROMETHEUS_DEBIAN_PACKAGE"),
        ("amtool", "ALERTMANAGER_DEBIAN_PACKAGE"),
    ):
        assert run(str(BIN / tool), "--version").stdout.startswith(f"{tool}, version "), tool
        status = run("dpkg-query", "--show", "--showformat=${db:Status-Status}", pins[package])
        assert status.stdout != "installed"  # its server would be running


def test_second_run_has_nothing_to_do():
    result = run(str(REPO / "scripts" / "bootstrap-tools"))
    assert result.returncode == 0
    assert result.stdout == ""


def test_missing_npm_is_named(tmp_path):
    """A fresh tools folder on a machine without npm: one clear line, exit 1, no traceback."""
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    for name in ("bootstrap-tools", "tool-versions.env"):
        shutil.copy(REPO / "scripts" / name, copy / "scripts" / name)
    # uv is already there, so the first tool to fetch is helm, which needs npm.
    (copy / ".tools" / "bin").mkdir(parents=True)
    (copy / ".tools" / "bin" / "uv").symlink_to(BIN / "uv")
    for unpacked in ("promtool", "amtool"):
        (copy / ".tools" / "bin" / unpacked).symlink_to(BIN / unpacked)
    shutil.copytree(REPO / ".tools" / "stamps", copy / ".tools" / "stamps")
    (copy / ".tools" / "stamps" / "helm").unlink()
    # Every command of the machine but npm.
    path = tmp_path / "bin"
    path.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for entry in Path(folder).glob("*") if Path(folder).is_dir() else []:
            if entry.name != "npm" and not (path / entry.name).exists():
                (path / entry.name).symlink_to(entry)
    result = run(str(copy / "scripts" / "bootstrap-tools"), env={**os.environ, "PATH": str(path)})
    assert result.returncode == 1
    assert "npm is required" in result.stderr
    assert "Traceback" not in result.stderr
