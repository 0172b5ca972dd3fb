"""Contract between the gene-api chart and the gene API it deploys.

The rendered Deployment's command, environment, port and probe paths, and the migration
Job's commands, are run here against the real API code and PostgreSQL at 127.0.0.1 (a
throwaway database). The Secret the ExternalSecret would write is injected under the name
and key the chart maps it from. One deviation from the cluster, for this machine's rules:
the server listens on 127.0.0.1 instead of the rendered API_HOST=0.0.0.0.
"""

import signal
import subprocess

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from chr21_common.models import Gene
from gene_api.core.config import Settings
from tests.support.chart_values import REQUIRED, merged
from tests.support.contract import pod_containers, resolve_env, run_env, secret_values
from tests.support.databases import ThrowawayDatabases
from tests.support.helm import render_chart
from tests.support.servers import free_port, running


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    databases = ThrowawayDatabases(tmp_path_factory.mktemp("databases"))
    yield databases.new("postgresql")
    databases.drop_all()


@pytest.fixture(scope="module")
def rendered():
    """The chart with its defaults, but ports free on this machine."""
    ports = {"port": free_port(), "metricsPort": free_port()}
    objects = render_chart(values=merged(REQUIRED["gene-api"], {"app": ports}))
    return {obj["kind"]: obj for obj in objects}


def test_chart_sets_only_settings_the_app_reads_and_all_it_needs(rendered):
    read_by_app = {name.upper() for name in Settings.model_fields}
    set_by_chart = set()
    for kind in ("Deployment", "Job"):
        for container in pod_containers(rendered[kind]):
            set_by_chart |= {item["name"] for item in container.get("env", [])}
            if container.get("envFrom"):
                set_by_chart |= set(rendered["ConfigMap"]["data"])
    assert set_by_chart <= read_by_app, f"the app reads none of {sorted(set_by_chart - read_by_app)}"
    required = {name.upper() for name, field in Settings.model_fields.items() if field.is_required()}
    # DATABASE_URL has a default (SQLite, for `make run`); in a cluster it must always be set.
    assert required | {"DATABASE_URL"} <= set_by_chart


def run_container(container: dict, rendered: dict, database_url: str) -> subprocess.CompletedProcess:
    env = resolve_env(container, rendered, secret_values(rendered, database_url))
    return subprocess.run(container["command"], env=run_env(env), capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def migration(rendered, database_url) -> list[subprocess.CompletedProcess]:
    """The migration Job's containers run in order on the fresh database, as Kubernetes would."""
    results = []
    for container in pod_containers(rendered["Job"]):
        results.append(run_container(container, rendered, database_url))
        assert results[-1].returncode == 0, f"{container['name']}: {results[-1].stderr}"
    return results


def test_migration_job_migrates_and_seeds_a_fresh_database(rendered, database_url, migration):
    assert [r.args for r in migration] == [["gene-api", "db", "upgrade"], ["gene-api", "db", "seed"]]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Gene)) == 1134
    engine.dispose()
    # Idempotent: the next sync's hook changes nothing.
    again = run_container(pod_containers(rendered["Job"])[-1], rendered, database_url)
    assert "0 inserted, 0 updated, 0 deleted" in again.stdout


@pytest.mark.usefixtures("migration")
def test_deployment_command_answers_every_probe_on_the_rendered_port(rendered, database_url):
    (container,) = rendered["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = resolve_env(container, rendered, secret_values(rendered, database_url))
    env["API_HOST"] = "127.0.0.1"  # this machine's rule: servers listen on loopback only
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    probes = {
        name: container[name]["httpGet"] for name in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert {probe["port"] for probe in probes.values()} == {"http"}
    startup = f"http://127.0.0.1:{ports['http']}{probes['startupProbe']['path']}"
    with running(container["command"], run_env(env), startup) as server:  # the startup probe's job
        for name, probe in probes.items():
            assert httpx.get(f"http://127.0.0.1:{ports['http']}{probe['path']}").status_code == 200, name
        # What the ServiceMonitor scrapes: the container port named "metrics", path /metrics.
        metrics = httpx.get(f"http://127.0.0.1:{ports['metrics']}/metrics")
        assert metrics.status_code == 200
        assert 'http_requests_total{method="GET",route="/readyz",status="2xx"}' in metrics.text
        assert httpx.get(f"http://127.0.0.1:{ports['http']}/metrics").status_code == 404
        server.send_signal(signal.SIGTERM)
        grace = rendered["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert server.wait(timeout=grace) == 0


def test_chart_defaults_are_the_apps_defaults():
    """One default per setting: the chart's values.yaml may not drift from the app's Settings."""
    objects = render_chart(values=REQUIRED["gene-api"])
    data = next(o for o in objects if o["kind"] == "ConfigMap")["data"]
    assert data.pop("API_HOST") == "0.0.0.0"  # the one deliberate difference: a pod listens on all interfaces
    # Facts of the cluster, not defaults: where uploads, results and the queue are.
    for fact in (
        "UPLOADS_LOCATION",
        "RESULTS_LOCATION",
        "BROKER_URL",
        "SQS_QUEUE_URL",
        "UPLOAD_STAGING_FOLDER",
    ):
        data.pop(fact)
    as_the_app_reads_them = Settings.model_validate({name.lower(): value for name, value in data.items()})
    for name in data:
        field = name.lower()
        assert getattr(as_the_app_reads_them, field) == Settings.model_fields[field].default, name
