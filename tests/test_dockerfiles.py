"""The three images' Dockerfiles lint clean, their dependency steps resolve from uv.lock as the
build runs them, and each agrees with its chart and its app: uid, ports, command."""

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from packaging.utils import canonicalize_name

from annotator.config import WorkerSettings
from gene_api.core.config import Settings
from tests.support.chart_values import REQUIRED
from tests.support.dockerfiles import DOCKERFILES, environment, instruction, replay_dependency_steps, stage
from tests.support.helm import render_chart
from tests.support.paths import REPO, TOOLS_BIN


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


# What each image runs: its app's package, with the shared library's modules it imports.
IMAGE_CODE = {"gene-api": "gene_api", "web": "chr21_web", "worker": "annotator"}
PACKAGE_OF_IMAGE = {"gene-api": "gene-api", "web": "chr21-web", "worker": "annotator"}
WEB_SERVERS = {"django", "fastapi", "gunicorn", "starlette", "uvicorn", "uvicorn-worker"}


def installed_in_image(image: str) -> set[str]:
    """The distributions the image's `uv sync --package ... --no-dev` installs, from uv.lock."""
    export = subprocess.run(
        [str(TOOLS_BIN / "uv"), "export", "--locked", "--no-dev", "--package", PACKAGE_OF_IMAGE[image],
         "--no-hashes", "--no-header", "--no-annotate", "--no-emit-workspace"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    return {canonicalize_name(line.split("==")[0]) for line in export.stdout.splitlines() if "==" in line}


def third_party_imports(package: str) -> set[str]:
    """Top-level names of what the package's code imports (inside functions too, grimp's import
    graph) that is neither the standard library nor ours, through the shared library's modules."""
    graph = grimp.build_graph(package, "chr21_common", include_external_packages=True)
    imported = {module.split(".")[0] for module in graph.find_upstream_modules(package, as_package=True)}
    return imported - set(sys.stdlib_module_names) - {package, "chr21_common"}


@pytest.mark.parametrize("image", IMAGE_CODE)
def test_each_image_installs_every_library_its_code_imports(image):
    distributions = importlib.metadata.packages_distributions()
    needed = {
        canonicalize_name(dist)
        for top in third_party_imports(IMAGE_CODE[image])
        for dist in distributions[top]
    }
    assert needed - installed_in_image(image) == set()


# Chosen by a URL at run time, never imported by name: the database's driver
# (postgresql+psycopg://) and the broker transports' (amqp://, redis://, sqs://).
URL_DRIVERS = {"psycopg", "amqp", "redis", "pycurl", "boto3"}
DRIVERS = {"gene-api": URL_DRIVERS, "worker": URL_DRIVERS, "web": {"psycopg"}}


@pytest.mark.parametrize("image", IMAGE_CODE)
def test_each_image_installs_the_drivers_its_urls_name(image):
    assert DRIVERS[image] - installed_in_image(image) == set()


def test_the_worker_image_installs_no_web_server():
    assert installed_in_image("worker") & WEB_SERVERS == set()


def test_the_frontend_image_installs_none_of_the_pipeline():
    assert installed_in_image("web") & {"boto3", "celery", "sqlalchemy"} == set()
