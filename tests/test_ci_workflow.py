"""The GitHub Actions workflow gives make test what this machine has and the runner does not: the
Debian packages scripts/bootstrap-tools installs only as root, and every folder
tests/support/paths.py takes from the environment (the shared charts, CRD schemas and module
interfaces, which sit beside the repository here), each filled by a step before make test."""

import re

import yaml

from tests.support.paths import REPO

WORKFLOW = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yaml").read_text())
JOB = WORKFLOW["jobs"]["test"]
# Which step fills each folder: a script of ours, or a checkout.
FILLED_BY = {
    "HELM_CHARTS_DIR": "gitops pull-charts",
    "TERRAFORM_MODULES_DIR": "terraform-bootstrap module-interfaces",
}


def folders_read() -> set[str]:
    text = (REPO / "tests" / "support" / "paths.py").read_text()
    return set(re.findall(r'os\.environ\.get\("([A-Z_]+_DIR)"\)', text))


def step_index(predicate) -> int:
    return next(i for i, step in enumerate(JOB["steps"]) if predicate(step))


def test_every_outside_folder_the_tests_read_is_set_for_the_job():
    assert folders_read() == {"HELM_CHARTS_DIR", "CRD_SCHEMAS_DIR", "TERRAFORM_MODULES_DIR"}
    assert folders_read() <= set(JOB["env"])


def test_each_is_filled_before_make_test():
    make_test = step_index(lambda s: s.get("run") == "make test")
    for variable, script in FILLED_BY.items():
        command = f'{script} "${variable}"'
        filled = step_index(lambda s, command=command: command in s.get("run", ""))
        assert filled < make_test, variable
    schemas = step_index(lambda s: s.get("with", {}).get("path") == "crd-schemas")
    assert JOB["env"]["CRD_SCHEMAS_DIR"].endswith("/crd-schemas")
    assert schemas < make_test


def test_terraform_is_initialised_before_its_modules_are_read():
    init = step_index(lambda s: "terraform init -backend=false" in s.get("run", ""))
    read = step_index(lambda s: "terraform-bootstrap module-interfaces" in s.get("run", ""))
    assert init < read
    assert JOB["steps"][init]["working-directory"] == "terraform-bootstrap"


def test_the_debian_packages_bootstrap_tools_needs_are_installed_first():
    """bootstrap-tools installs them only as root; the runner's user is not, so it would stop."""
    pins = dict(
        line.split("=", 1)
        for line in (REPO / "scripts" / "tool-versions.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    bootstrap = (REPO / "scripts" / "bootstrap-tools").read_text()
    installed_by_it = re.findall(r'^install_debian_package \S+ "\$(\w+)"', bootstrap, re.MULTILINE)
    packages = {pins[variable] for variable in installed_by_it}
    # Chromium: the runner's Chrome stands in (CHROMIUM), Ubuntu's chromium being a snap.
    packages.discard(pins["CHROMIUM_DEBIAN_PACKAGE"])
    assert packages, "no install_debian_package line found"
    # promtool's and amtool's packages are only downloaded (no root), after the same apt-get update.
    assert re.findall(r"^unpack_debian_binary (\w+)", bootstrap, re.MULTILINE) == ["promtool", "amtool"]
    assert JOB["env"]["CHROMIUM"]
    apt = step_index(lambda s: "apt-get install" in s.get("run", ""))
    setup = step_index(lambda s: "make setup" in s.get("run", ""))
    assert apt < setup
    installed = set(JOB["steps"][apt]["run"].split("apt-get install", 1)[1].split())
    assert packages <= installed, sorted(packages - installed)
