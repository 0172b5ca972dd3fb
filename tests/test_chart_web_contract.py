"""Contract between the web chart, the frontend's image and the app it deploys.

The rendered migration Job and Deployment are run here as Kubernetes would run them: their
commands, the ConfigMap's settings, the Secret the ExternalSecret would write, the image's own
environment (apps/web/Dockerfile: production settings, the static files collected at build),
against PostgreSQL at 127.0.0.1 and the real gene API, itself started from its chart's render.
The probes are asked as the kubelet asks them (by pod IP, plain HTTP), pages as the ALB
forwards them (the ingress host, X-Forwarded-Proto https). One deviation from the cluster, for
this machine's rules: servers listen on 127.0.0.1 instead of the rendered 0.0.0.0.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import create_engine, inspect, make_url

from tests.support.chart_values import REQUIRED, merged
from tests.support.contract import VENV_BIN, mounted_at, pod_containers, resolve_env, run_env, secret_values
from tests.support.databases import ThrowawayDatabases
from tests.support.dockerfiles import DOCKERFILES, environment, stage
from tests.support.helm import render_chart
from tests.support.metrics import sample_values
from tests.support.servers import free_port, running

HOST = "chr21.example.org"
POD_IP = "10.0.12.34"


def by_kind(objects: list[dict]) -> dict[str, dict]:
    return {obj["kind"]: obj for obj in objects}


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    found = ThrowawayDatabases(tmp_path_factory.mktemp("databases"))
    yield found
    found.drop_all()


@pytest.fixture(scope="module")
def gene_api(databases) -> str:
    """The gene API as its chart deploys it (migrated and seeded by its Job); its URL."""
    url = databases.new("postgresql")
    ports = {"port": free_port(), "metricsPort": free_port()}
    rendered = by_kind(render_chart(values=merged(REQUIRED["gene-api"], {"app": ports})))
    secrets = secret_values(rendered, url)
    for container in pod_containers(rendered["Job"]):
        env = resolve_env(container, rendered, secrets)
        subprocess.run(container["command"], env=run_env(env), check=True, capture_output=True)
    (container,) = rendered["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = {**resolve_env(container, rendered, secrets), "API_HOST": "127.0.0.1"}
    base = f"http://127.0.0.1:{ports['port']}"
    with running(container["command"], run_env(env), f"{base}/readyz"):
        yield base


@pytest.fixture(scope="module")
def web_database(databases) -> str:
    # Django names PostgreSQL postgres:// or postgresql:// (the ExternalSecret writes postgres://).
    return (
        make_url(databases.new("postgresql")).set(drivername="postgres").render_as_string(hide_password=False)
    )


@pytest.fixture(scope="module")
def rendered(gene_api) -> dict[str, dict]:
    values = {
        "app": {"port": free_port(), "metricsPort": free_port(), "apiUrl": gene_api},
        "ingress": {"enabled": True, "host": HOST},
    }
    return by_kind(render_chart(chart="web", release="web", values=merged(REQUIRED["web"], values)))


@pytest.fixture(scope="module")
def image_env(tmp_path_factory) -> dict[str, str]:
    """The image's environment, its static files collected by the build's own command."""
    dockerfile = DOCKERFILES["web"]
    static = tmp_path_factory.mktemp("static")
    build = {**environment(stage(dockerfile, "build")), "DJANGO_STATIC_ROOT": str(static)}
    (collect,) = [line for line in stage(dockerfile, "build") if "collectstatic" in line]
    command = shlex.split(collect.split("&&")[-1])
    command[0] = str(VENV_BIN / command[0].rsplit("/", 1)[-1])  # /opt/venv/bin/chr21-web
    # A build has no settings module of its own: pytest-django's is not the image's.
    env = {k: v for k, v in run_env(build).items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(command, env=env, check=True)
    final = environment(stage(dockerfile))
    final.pop("PATH")
    return {**final, "DJANGO_STATIC_ROOT": str(static)}


def container_env(container, rendered, image_env, web_database) -> dict[str, str]:
    secrets = secret_values(rendered, web_database, database_key="WEB_DATABASE_URL")
    return run_env({**image_env, **resolve_env(container, rendered, secrets)})


@pytest.fixture(scope="module")
def migrated(rendered, image_env, web_database) -> subprocess.CompletedProcess:
    (container,) = pod_containers(rendered["Job"])
    env = container_env(container, rendered, image_env, web_database)
    return subprocess.run(container["command"], env=env, capture_output=True, text=True)


def test_the_migration_job_makes_the_frontends_tables_and_runs_again_harmlessly(
    migrated, rendered, image_env, web_database
):
    assert migrated.returncode == 0, migrated.stderr
    engine = create_engine(make_url(web_database).set(drivername="postgresql+psycopg"))
    assert {"auth_user", "django_session"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    (container,) = pod_containers(rendered["Job"])
    again = subprocess.run(
        container["command"],
        env=container_env(container, rendered, image_env, web_database),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0
    assert "No migrations to apply" in again.stdout


@pytest.mark.usefixtures("migrated")
def test_the_deployment_serves_probes_pages_static_files_and_metrics(
    rendered, image_env, web_database, tmp_path
):
    pod = rendered["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {**container_env(container, rendered, image_env, web_database), "WEB_HOST": "127.0.0.1"}
    # The pod's emptyDirs are folders here.
    assert env["FILE_UPLOAD_TEMP_DIR"] == mounted_at(pod, container, "uploads")
    env["FILE_UPLOAD_TEMP_DIR"] = str(tmp_path)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    base = f"http://127.0.0.1:{ports['http']}"
    probes = {
        name: container[name]["httpGet"] for name in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert {probe["port"] for probe in probes.values()} == {"http"}
    kubelet = {"Host": f"{POD_IP}:{ports['http']}"}
    alb = {"Host": HOST, "X-Forwarded-Proto": "https"}
    with running(container["command"], env, f"{base}{probes['startupProbe']['path']}") as server:
        for name, probe in probes.items():
            assert httpx.get(f"{base}{probe['path']}", headers=kubelet).status_code == 200, name
        home = httpx.get(f"{base}/", headers=alb)
        assert home.status_code == 200, home.text
        assert "1,134" in home.text  # the gene count, from the API's /stats
        gene = httpx.get(f"{base}/genes/ENSG00000142192/", headers=alb)
        assert gene.status_code == 200
        assert "APP" in gene.text
        css = re.search(r'href="(/static/chr21_web/site\.[0-9a-f]+\.css)"', home.text)
        assert css, "the stylesheet under its hashed name (collected at build)"
        assert httpx.get(f"{base}{css[1]}", headers=alb).status_code == 200
        # Production refuses a host it does not serve, and sends plain HTTP to HTTPS.
        assert httpx.get(f"{base}/", headers=kubelet).status_code == 400
        assert httpx.get(f"{base}/", headers={"Host": HOST}).status_code == 301
        # What the ServiceMonitor scrapes: the "metrics" port, path /metrics; not the pages' port.
        metrics = httpx.get(f"http://127.0.0.1:{ports['metrics']}/metrics").text
        homes = sample_values(metrics, "django_http_responses_total_by_status_view_method_total", view="home")
        assert homes, metrics
        assert httpx.get(f"{base}/metrics", headers=alb).status_code == 404
        server.send_signal(signal.SIGTERM)
        grace = rendered["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert server.wait(timeout=grace) == 0


APP_DEFAULTS = (
    "import os, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'chr21_web.settings.base'; "
    "import django; django.setup(); from django.conf import settings as s; "
    "from chr21_web import gunicorn_conf as g; "
    "print(json.dumps({'WEB_PORT': g.port, 'WEB_METRICS_PORT': g.metrics_port, 'WEB_WORKERS': g.workers, "
    "'WEB_THREADS': g.threads, 'GRACEFUL_TIMEOUT': g.graceful_timeout, "
    "'API_CONNECT_TIMEOUT_SECONDS': s.API_CONNECT_TIMEOUT_SECONDS, "
    "'API_TIMEOUT_SECONDS': s.API_TIMEOUT_SECONDS, "
    "'MAX_UPLOAD_BYTES': s.MAX_UPLOAD_BYTES, 'WEB_LOG_LEVEL': s.LOGGING['root']['level'], "
    "'HEADER_TIMEOUT_SECONDS': g.slow_client_limits.header_timeout_seconds, "
    "'BODY_TIMEOUT_SECONDS': g.slow_client_limits.body_timeout_seconds, "
    "'MIN_BODY_BYTES_PER_SECOND': g.slow_client_limits.min_body_bytes_per_second}))"
)


def test_chart_defaults_are_the_apps_defaults(tmp_path):
    """One default per setting: the chart's values.yaml may not drift from the app's own."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WEB_", "API_", "MAX_", "GRACEFUL", "DJANGO_", "HEADER_", "BODY_", "MIN_BODY_"))
    }
    shown = subprocess.run(
        [sys.executable, "-c", APP_DEFAULTS], env=clean, capture_output=True, text=True, cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stderr
    app = json.loads(shown.stdout)
    data = by_kind(render_chart(chart="web", release="web", values=REQUIRED["web"]))["ConfigMap"]["data"]
    as_the_app_reads_them = {name: type(value)(data[name]) for name, value in app.items()}
    assert as_the_app_reads_them == app
