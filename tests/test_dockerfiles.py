"""The three images' Dockerfiles lint clean, their dependency steps resolve from uv.lock as the
build runs them, and each agrees with its chart and its app: uid, ports, command."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.config import WorkerSettings
from gene_api.core.config import Settings
from tests.support.chart_values import REQUIRED
from tests.support.dockerfiles import DOCKERFILES, environment, instruction, replay_dependency_steps, stage
from tests.support.helm import render_chart


def pod_of(chart: str) -> dict:
    objects = {o["kind"]: o for o in render_chart(chart=chart, release=chart, values=REQUIRED[chart])}
    return objects["Deployment"]["spec"]["template"]["spec"]


def assert_user_matches(dockerfile: Path, pod: dict) -> None:
    uid, gid = (int(x) for x in instruction(dockerfile, "USER").split(":"))
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (uid, gid)


@pytest.mark.parametrize("image", DOCKERFILES)
def test_hadolint_is_clean(image):
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(DOCKERFILES[image])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("image", DOCKERFILES)
def test_the_build_installs_from_the_lock_with_the_files_it_copies(image, tmp_path):
    # uv reads every workspace member's pyproject.toml: an image that copies too few fails to build.
    steps = replay_dependency_steps(DOCKERFILES[image], tmp_path)
    assert len(steps) == 2, "a dependencies step, then the app's own"
    for step in steps:
        assert step.returncode == 0, step.stderr


def test_api_image_agrees_with_its_chart_and_settings():
    dockerfile, pod = DOCKERFILES["gene-api"], pod_of("gene-api")
    (container,) = pod["containers"]
    assert_user_matches(dockerfile, pod)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    exposed = [int(port) for port in instruction(dockerfile, "EXPOSE").split()]
    assert exposed == [ports["http"], ports["metrics"]] == [Settings().api_port, Settings().metrics_port]
    env = environment(stage(dockerfile))
    assert (int(env["API_PORT"]), int(env["METRICS_PORT"])) == (Settings().api_port, Settings().metrics_port)
    assert json.loads(instruction(dockerfile, "CMD")) == container["command"] == ["gene-api", "serve"]


def test_worker_image_agrees_with_its_chart_and_settings():
    dockerfile, pod = DOCKERFILES["worker"], pod_of("worker")
    (container,) = pod["containers"]
    assert_user_matches(dockerfile, pod)
    (metrics_port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "metrics"]
    default = WorkerSettings.model_fields["worker_metrics_port"].default
    assert [int(p) for p in instruction(dockerfile, "EXPOSE").split()] == [metrics_port] == [default]
    assert int(environment(stage(dockerfile))["WORKER_METRICS_PORT"]) == default
    command = json.loads(instruction(dockerfile, "CMD"))
    assert command == container["command"] == ["annotator", "worker"]


def test_web_image_agrees_with_its_chart_and_gunicorn_config():
    dockerfile, pod = DOCKERFILES["web"], pod_of("web")
    (container,) = pod["containers"]
    assert_user_matches(dockerfile, pod)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    exposed = [int(port) for port in instruction(dockerfile, "EXPOSE").split()]
    env = environment(stage(dockerfile))
    assert (
        exposed == [ports["http"], ports["metrics"]] == [int(env["WEB_PORT"]), int(env["WEB_METRICS_PORT"])]
    )
    assert env["DJANGO_SETTINGS_MODULE"] == "chr21_web.settings.production"
    # The static files WhiteNoise serves are the ones the build collected.
    assert env["DJANGO_STATIC_ROOT"] == environment(stage(dockerfile, "build"))["DJANGO_STATIC_ROOT"]
    assert json.loads(instruction(dockerfile, "CMD")) == container["command"]
