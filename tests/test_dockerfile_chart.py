"""The API's Dockerfile lints clean and agrees with the chart and the app: uid, port, command."""

import json
import re
import subprocess
import sys
from pathlib import Path

from gene_api.core.config import Settings
from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart
from tests.support.paths import REPO

DOCKERFILE = REPO / "apps" / "api" / "Dockerfile"


def final_stage() -> list[str]:
    lines = DOCKERFILE.read_text().splitlines()
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last_from:]


def instruction(name: str) -> str:
    (line,) = [line for line in final_stage() if line.startswith(f"{name} ")]
    return line.removeprefix(f"{name} ")


def test_hadolint_is_clean():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_uid_port_and_command_agree():
    objects = {o["kind"]: o for o in render_chart(values=REQUIRED["gene-api"])}
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    uid, gid = (int(x) for x in instruction("USER").split(":"))
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (uid, gid)
    exposed = [int(port) for port in instruction("EXPOSE").split()]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert exposed == [ports["http"], ports["metrics"]] == [Settings().api_port, Settings().metrics_port]
    stage = "\n".join(final_stage())
    assert int(re.search(r"\bAPI_PORT=(\d+)", stage)[1]) == Settings().api_port
    assert int(re.search(r"\bMETRICS_PORT=(\d+)", stage)[1]) == Settings().metrics_port
    assert json.loads(instruction("CMD")) == container["command"] == ["gene-api", "serve"]
