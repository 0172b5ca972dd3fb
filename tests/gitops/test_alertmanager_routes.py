"""Alertmanager's routes as each environment renders them (kube-prometheus-stack's values in
environments/<env>/addons/), checked and routed by amtool itself: the configuration is valid;
prod pages on a critical alert and tells the channel of a warning; hml never pages; the
Watchdog goes nowhere; every receiver's credential file is in a Secret the Alertmanager mounts,
which the platform chart writes from Secrets Manager."""

import base64
import re
import subprocess

import pytest
import yaml

from tests.support.alert_rules import APP_CHARTS, alerts, rendered_rules
from tests.support.paths import TOOLS_BIN

AMTOOL = TOOLS_BIN / "amtool"
# What each severity must reach, per environment: prod pages on critical, hml only notifies.
EXPECTED = {
    "prod": {"critical": "page", "warning": "notify"},
    "hml": {"critical": "notify", "warning": "notify"},
}
SECRETS_DIR = "/etc/alertmanager/secrets/"


def objects(rendered, app: str, kind: str) -> list[dict]:
    return [o for o in rendered.objects(f"{app}-{rendered.env}") if o["kind"] == kind]


@pytest.fixture
def config(rendered, tmp_path) -> tuple[dict, str]:
    (secret,) = [
        s
        for s in objects(rendered, "kube-prometheus-stack", "Secret")
        if "alertmanager.yaml" in s.get("data", {})
    ]
    text = base64.b64decode(secret["data"]["alertmanager.yaml"]).decode()
    path = tmp_path / "alertmanager.yaml"
    path.write_text(text)
    return yaml.safe_load(text), str(path)


def route(path: str, **labels: str) -> str:
    result = subprocess.run(
        [
            str(AMTOOL),
            "config",
            "routes",
            "test",
            f"--config.file={path}",
            *(f"{k}={v}" for k, v in labels.items()),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_amtool_accepts_the_configuration(config):
    _, path = config
    result = subprocess.run([str(AMTOOL), "check-config", path], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_severity_the_apps_alert_with_reaches_its_receiver(rendered, config):
    _, path = config
    severities = {a["labels"]["severity"] for chart in APP_CHARTS for a in alerts(rendered_rules(chart))}
    assert severities == set(EXPECTED[rendered.env])
    for severity, receiver in EXPECTED[rendered.env].items():
        assert (
            route(path, severity=severity, alertname="GeneApiErrorRatioHigh", service="gene-api") == receiver
        )


def test_the_watchdog_goes_nowhere(config):
    _, path = config
    assert route(path, alertname="Watchdog", severity="none") == "null"


def test_every_credential_file_is_in_a_mounted_secret_the_platform_writes(rendered, config):
    parsed, _ = config
    files = re.findall(r"_file: (\S+)", yaml.safe_dump(parsed["receivers"]))
    assert files, "no receiver reads a credential file"
    (alertmanager,) = objects(rendered, "kube-prometheus-stack", "Alertmanager")
    mounted = set(alertmanager["spec"].get("secrets", []))
    written = {e["metadata"]["name"]: e for e in objects(rendered, "platform", "ExternalSecret")}
    for file in files:
        secret, _, key = file.removeprefix(SECRETS_DIR).partition("/")
        assert file.startswith(SECRETS_DIR), file
        assert key, file
        assert secret in mounted, f"{file}: Secret {secret} is not mounted"
        assert secret in written, f"{file}: nothing writes Secret {secret}"
        assert written[secret]["metadata"]["namespace"] == alertmanager["metadata"]["namespace"]
