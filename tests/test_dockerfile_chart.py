"""The API's Dockerfile lints clean and agrees with the chart and the app: uid, port, command."""

import json
import re
import subprocess
import sys
from pathlib import Path

from annotator.config import WorkerSettings
from gene_api.core.config import Settings
from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart
from tests.support.paths import REPO

DOCKERFILE = REPO / "apps" / "api" / "Dockerfile"


def final_stage(dockerfile: Path = DOCKERFILE) -> list[str]:
    lines = dockerfile.read_text().splitlines()
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last_from:]


def instruction(name: str, dockerfile: Path = DOCKERFILE) -> str:
    (line,) = [line for line in final_stage(dockerfile) if line.startswith(f"{name} ")]
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


WORKER_DOCKERFILE = REPO / "worker" / "Dockerfile"


def test_worker_image_agrees_with_its_chart_and_settings():
    stage = final_stage(WORKER_DOCKERFILE)
    objects = render_chart(chart="worker", release="worker", values=REQUIRED["worker"])
    objects = {o["kind"]: o for o in objects}
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    uid, gid = (int(x) for x in instruction("USER", WORKER_DOCKERFILE).split(":"))
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (uid, gid)
    (metrics_port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "metrics"]
    default = WorkerSettings.model_fields["worker_metrics_port"].default
    assert [int(p) for p in instruction("EXPOSE", WORKER_DOCKERFILE).split()] == [metrics_port] == [default]
    assert int(re.search(r"\bWORKER_METRICS_PORT=(\d+)", "\n".join(stage))[1]) == default
    command = json.loads(instruction("CMD", WORKER_DOCKERFILE))
    assert command == container["command"] == ["annotator", "worker"]
