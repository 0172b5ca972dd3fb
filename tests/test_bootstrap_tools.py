"""scripts/bootstrap-tools: the Go tools (helm 3 and 4, helm-unittest, kubeconform) built at their
pins from the Go module proxy and cached outside the clone, homes inside .tools/, clear failures."""

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".tools" / "bin"


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chr21-tools"
WRAPPER = REPO / "scripts" / "go-modules" / "helm-unittest"


def test_helm_3_and_helm_4_are_the_pinned_versions(pins):
    assert run(str(BIN / "helm"), "version", "--short").stdout.strip() == pins["HELM3_VERSION"]
    assert run(str(BIN / "helm4"), "version", "--short").stdout.strip() == pins["HELM4_VERSION"]


def test_helm_3_defaults_to_its_client_gos_kubernetes_release(tmp_path):
    """Built with its Makefile's version flags: without --kube-version, helm 3.19 renders for
    Kubernetes 1.34 (its client-go), not the 1.20 its source falls back to."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: capabilities\nversion: 0.1.0\n")
    (tmp_path / "templates" / "version.yaml").write_text(
        "kubeVersion: {{ .Capabilities.KubeVersion.Version }}\n"
    )
    assert "kubeVersion: v1.34.0" in run(str(BIN / "helm"), "template", str(tmp_path)).stdout


def test_kubeconform_is_the_pinned_version(pins):
    assert run(str(BIN / "kubeconform"), "-v").stdout.strip() == pins["KUBECONFORM_VERSION"]


def test_helm_unittest_is_a_plugin_of_both_helms_without_an_install_hook():
    required = next(
        line.split()[1]
        for line in (WRAPPER / "go.mod").read_text().splitlines()
        if "helm-unittest/helm-unittest v" in line
    )
    for helm in ("helm", "helm4"):
        plugins = run(str(BIN / helm), "plugin", "list").stdout
        assert re.search(rf"^unittest\s+{re.escape(required.removeprefix('v'))}\s", plugins, re.M), plugins
    plugin = REPO / ".tools" / "helm" / "home" / "data" / "plugins" / "helm-unittest"
    manifest = (plugin / "plugin.yaml").read_text()
    assert "hooks" not in manifest.lower()  # its own install hook downloads a release binary
    assert os.access(plugin / "untt", os.X_OK)


def test_the_wrapper_module_repeats_helm_unittests_replace_lines():
    """go build honours the replace lines only of the main module: ours must repeat theirs."""
    gomod = (WRAPPER / "go.mod").read_text()
    version = re.search(r"github.com/helm-unittest/helm-unittest (v\S+)", gomod)[1]
    theirs = run("go", "mod", "download", "-json", f"github.com/helm-unittest/helm-unittest@{version}")
    upstream = Path(json.loads(theirs.stdout)["GoMod"]).read_text()
    replaces = [line for line in upstream.splitlines() if line.startswith("replace ")]
    assert replaces
    for line in replaces:
        assert line in gomod


def test_a_wrapper_modules_build_is_keyed_by_its_files_not_where_the_clone_is():
    """Another clone of the same commit finds helm-unittest's binary in the cache."""
    files = (WRAPPER / "go.mod").read_bytes() + (WRAPPER / "go.sum").read_bytes()
    version = re.search(rb"github.com/helm-unittest/helm-unittest (v\S+)", files)[1].decode()
    key = f"{version}-{hashlib.sha256(files).hexdigest()[:12]}"
    assert list(CACHE.glob(f"untt/{key}-*/untt")), f"no untt/{key}-* in {CACHE}"


def test_go_tools_are_cached_outside_the_clone_by_version(pins):
    for name, version in (
        ("helm", pins["HELM3_VERSION"]),
        ("helm4", pins["HELM4_VERSION"]),
        ("kubeconform", pins["KUBECONFORM_VERSION"]),
    ):
        built = list(CACHE.glob(f"{name}/{version}-*/{name}"))
        assert built, f"no {name} {version} in {CACHE}"
        # .tools/ holds the same file (a hard link), or a copy of it.
        placed = BIN / name if name == "kubeconform" else REPO / ".tools" / "helm" / name / "helm"
        assert any(placed.read_bytes() == b.read_bytes() for b in built)


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


def test_missing_go_is_named(tmp_path):
    """A fresh tools folder on a machine without Go: one clear line, exit 1, no traceback."""
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    for name in ("bootstrap-tools", "tool-versions.env"):
        shutil.copy(REPO / "scripts" / name, copy / "scripts" / name)
    # The tools before helm are there, so the first to build is helm, which needs Go.
    (copy / ".tools" / "bin").mkdir(parents=True)
    for ready in ("uv", "promtool", "amtool"):
        (copy / ".tools" / "bin" / ready).symlink_to(BIN / ready)
    shutil.copytree(REPO / ".tools" / "stamps", copy / ".tools" / "stamps")
    (copy / ".tools" / "stamps" / "helm").unlink()
    # Every command of the machine but go.
    path = tmp_path / "bin"
    path.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for entry in Path(folder).glob("*") if Path(folder).is_dir() else []:
            if entry.name != "go" and not (path / entry.name).exists():
                (path / entry.name).symlink_to(entry)
    result = run(str(copy / "scripts" / "bootstrap-tools"), env={**os.environ, "PATH": str(path)})
    assert result.returncode == 1
    assert "Go 1.26.0 or newer is required" in result.stderr
    assert "Traceback" not in result.stderr
