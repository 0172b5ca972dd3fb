"""The alerts and dashboards against what the running apps really export: the local stack (`make run`: the
gene API, the worker, the frontend) serves pages, looks genes up, runs a job that succeeds and
one that fails; its three /metrics endpoints are scraped; every metric each chart's alerts
name is one the apps export (with the labels the alert matches on), or one the cluster's own
exporters publish (kube-state-metrics and cAdvisor: named in kube-prometheus-stack's own
rules). Each process serves its own metrics only."""

import subprocess
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from chr21_ops.local_stack import running_stack
from tests.support.alert_rules import APP_CHARTS, alerts, rendered_rules
from tests.support.dashboards import all_queries, promql
from tests.support.gitops import load_manifests, run_command
from tests.support.paths import REPO
from tests.support.promql import selectors

# Labels Prometheus or the exporters put on every series, not the apps.
TARGET_LABELS = {"namespace", "job", "pod", "container", "service", "instance", "endpoint"}
# kube-state-metrics' container restart counter: kube-prometheus-stack's rules of this version
# watch CrashLoopBackOff instead, so it is not found there; its name is kube-state-metrics'.
PLATFORM_NOT_IN_KUBE_PROMETHEUS_STACK = {"kube_pod_container_status_restarts_total"}
# What each process's metrics start with (its own families only).
OWN_PREFIXES = {"api": ("http_", "gene_api_"), "worker": ("annotator_",), "web": ("django_", "chr21_web_")}
JOB_WAIT_SECONDS = 60


def scrape(url: str) -> dict[str, set[str]]:
    """Sample name => the label names it carries."""
    found: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(httpx.get(url, timeout=10).text):
        for sample in family.samples:
            found.setdefault(sample.name, set()).update(sample.labels)
    return found


def finished(api: str, headers: dict, job_id: str) -> dict:
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    while time.monotonic() < deadline:
        job = httpx.get(f"{api}/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {JOB_WAIT_SECONDS} s")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, dict[str, set[str]]]:
    """Each process's metrics after pages, lookups, a job that succeeds and one that fails."""
    with running_stack(tmp_path_factory.mktemp("stack")) as stack:
        api, web = f"http://127.0.0.1:{stack.ports.api}", f"http://127.0.0.1:{stack.ports.web}"
        for path in ("/", "/genes?q=APP", "/genes/ENSG00000142192", "/no-such-page"):
            httpx.get(f"{web}{path}")
        httpx.get(f"{api}/genes/by-name/APP")
        token_command = [str(REPO / "scripts" / "token"), "alice"]
        token = subprocess.run(token_command, env=stack.env, capture_output=True, text=True, check=True)
        headers = {"Authorization": f"Bearer {token.stdout.strip()}"}
        uploads = {
            "good.bed": (REPO / "worker" / "examples" / "example.bed").read_bytes(),
            "bad.bed": b"chr21\t1\t2\tok\nchr21\t1\t2\tcaf\xe9\n",
        }
        outcomes = set()
        for name, content in uploads.items():
            submitted = httpx.post(f"{api}/jobs", headers=headers, files={"file": (name, content)})
            assert submitted.status_code == 202, submitted.text
            outcomes.add(finished(api, headers, submitted.json()["id"])["status"])
        assert outcomes == {"succeeded", "failed"}
        ports = {
            "api": stack.ports.metrics,
            "worker": stack.ports.worker_metrics,
            "web": stack.ports.web_metrics,
        }
        return {process: scrape(f"http://127.0.0.1:{port}/metrics") for process, port in ports.items()}


@pytest.fixture(scope="module")
def platform_metrics(tmp_path_factory) -> set[str]:
    """Metric names kube-prometheus-stack's own rules use (kube-state-metrics, cAdvisor, ...)."""
    out = tmp_path_factory.mktemp("rendered") / "hml"
    result = run_command("render", "hml", str(out))
    assert result.returncode == 0, result.stderr
    names = set()
    for obj in load_manifests((out / "kube-prometheus-stack-hml" / "manifests.yaml").read_text()):
        if obj["kind"] == "PrometheusRule":
            for group in obj["spec"]["groups"]:
                for rule in group["rules"]:
                    names |= {name for name, _ in selectors(rule["expr"]) if name}
    assert len(names) > 50, "kube-prometheus-stack's rules were not found"
    return names | PLATFORM_NOT_IN_KUBE_PROMETHEUS_STACK


def test_each_process_serves_its_own_metrics_only(exported):
    for process, samples in exported.items():
        foreign = sorted(name for name in samples if not name.startswith(OWN_PREFIXES[process]))
        # prometheus_client's own process and platform collectors are off under multiprocess.
        assert foreign == [], f"{process} serves {foreign}"


def test_the_jobs_and_their_outcomes_are_counted(exported):
    assert {"annotator_jobs_total", "annotator_jobs_refused_total"} <= set(exported["worker"])
    assert "gene_api_jobs_submitted_total" in exported["api"]
    assert {"gene_api_jobs", "gene_api_jobs_oldest_queued_seconds"} <= set(exported["api"])


@pytest.fixture(scope="module")
def apps(exported) -> dict[str, set[str]]:
    """Every sample name any app exports, with the label names it carries."""
    found: dict[str, set[str]] = {}
    for samples in exported.values():
        for name, labels in samples.items():
            found.setdefault(name, set()).update(labels)
    return found


def assert_exported(where: str, expression: str, apps: dict[str, set[str]], platform_metrics: set[str]):
    for metric, labels in selectors(expression):
        if metric in platform_metrics:
            continue
        assert metric in apps, f"{where}: no app exports {metric}"
        wanted = set(labels) - TARGET_LABELS
        assert wanted <= apps[metric], f"{where}: {metric} has no label {wanted - apps[metric]}"


@pytest.mark.parametrize("chart", APP_CHARTS)
def test_every_metric_an_alert_names_is_exported(chart, apps, platform_metrics):
    for alert in alerts(rendered_rules(chart)):
        assert_exported(alert["alert"], alert["expr"], apps, platform_metrics)


def test_every_metric_a_dashboard_panel_names_is_exported(apps, platform_metrics):
    queries = all_queries()
    assert len(queries) > 20
    for dashboard, panel, query in queries:
        assert_exported(f"{dashboard}: {panel}", promql(query), apps, platform_metrics)
