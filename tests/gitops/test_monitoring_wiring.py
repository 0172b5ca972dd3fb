"""The apps' monitoring wired to the Prometheus each environment renders (kube-prometheus-stack):
every ServiceMonitor, PodMonitor and PrometheusRule of an app is one that Prometheus selects;
an alert that names a scrape job names the one Prometheus gives that app's metrics (a
ServiceMonitor's Service, a PodMonitor's namespace/name); every runbook link is this
repository's docs/runbooks at the revision the environment syncs; every dashboard ConfigMap is
one Grafana's sidecar loads, and its panels name the apps' scrape jobs and the environment's
namespace."""

import json
from urllib.parse import urlsplit

import yaml

from tests.support.dashboards import panel_queries, promql
from tests.support.gitops import cluster_secret_stand_in
from tests.support.paths import REPO
from tests.support.promql import selectors

APPS = ("gene-api", "web", "worker")
# Prometheus CR field: the kind it selects.
SELECTORS = {
    "ServiceMonitor": ("serviceMonitorSelector", "serviceMonitorNamespaceSelector"),
    "PodMonitor": ("podMonitorSelector", "podMonitorNamespaceSelector"),
    "PrometheusRule": ("ruleSelector", "ruleNamespaceSelector"),
}


def prometheus(rendered) -> dict:
    (found,) = [
        o for o in rendered.objects(f"kube-prometheus-stack-{rendered.env}") if o["kind"] == "Prometheus"
    ]
    return found["spec"]


def app_objects(rendered, kind: str) -> list[dict]:
    return [o for app in APPS for o in rendered.objects(f"{app}-{rendered.env}") if o["kind"] == kind]


def selected(selector: dict | None, labels: dict) -> bool:
    """A label selector with matchLabels only (what these Prometheus CRs use); {} selects all."""
    if selector is None:
        return False
    assert set(selector) <= {"matchLabels"}, selector
    return selector.get("matchLabels", {}).items() <= labels.items()


def test_prometheus_selects_every_monitor_and_rule_of_the_apps(rendered):
    spec = prometheus(rendered)
    for kind, (by_labels, by_namespace) in SELECTORS.items():
        objects = app_objects(rendered, kind)
        assert objects, f"no {kind} in {rendered.env}"
        assert spec.get(by_namespace) == {}, f"{by_namespace}: only all namespaces is checked here"
        for obj in objects:
            assert selected(spec.get(by_labels), obj["metadata"].get("labels", {})), (
                f"{kind} {obj['metadata']['name']} is not selected by {by_labels}"
            )


def scrape_jobs(rendered) -> set[str]:
    """The job label Prometheus gives each app's metrics: a ServiceMonitor's Services' names
    (the operator's default job label), a PodMonitor's <namespace>/<name>."""
    jobs = set()
    services = app_objects(rendered, "Service")
    for monitor in app_objects(rendered, "ServiceMonitor"):
        wanted = monitor["spec"]["selector"]["matchLabels"]
        jobs |= {s["metadata"]["name"] for s in services if wanted.items() <= s["metadata"]["labels"].items()}
    for monitor in app_objects(rendered, "PodMonitor"):
        jobs.add(f"{monitor['metadata']['namespace']}/{monitor['metadata']['name']}")
    return jobs


def test_alerts_name_the_scrape_jobs_prometheus_gives_the_apps(rendered):
    jobs = scrape_jobs(rendered)
    named = set()
    for rule in app_objects(rendered, "PrometheusRule"):
        namespace = rule["metadata"]["namespace"]
        for group in rule["spec"]["groups"]:
            for alert in group["rules"]:
                for metric, labels in selectors(alert["expr"]):
                    assert labels.get("namespace") == namespace, (alert["alert"], metric)
                    if "job" in labels:
                        assert labels["job"] in jobs, (alert["alert"], metric, labels["job"])
                        named.add(labels["job"])
    assert named, "no alert names a scrape job"


def test_runbook_links_are_this_repository_at_the_synced_revision(rendered):
    secret = cluster_secret_stand_in(rendered.env)
    annotations = secret["metadata"]["annotations"]
    base = (
        f"{annotations['platform_repo_url'].removesuffix('.git')}/blob/"
        f"{annotations['platform_repo_revision']}/docs/runbooks/"
    )
    links = [
        alert["annotations"]["runbook_url"]
        for rule in app_objects(rendered, "PrometheusRule")
        for group in rule["spec"]["groups"]
        for alert in group["rules"]
    ]
    assert links
    for link in links:
        assert link.startswith(base), link
        assert (REPO / "docs" / "runbooks" / link.removeprefix(base)).is_file(), link
        assert urlsplit(link).scheme == "https"


def sidecar_settings(rendered) -> dict[str, str]:
    """The environment of Grafana's dashboard sidecar (kube-prometheus-stack)."""
    for obj in rendered.objects(f"kube-prometheus-stack-{rendered.env}"):
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                if container["name"] == "grafana-sc-dashboard":
                    return {e["name"]: e.get("value") for e in container.get("env", [])}
    raise AssertionError("no Grafana dashboard sidecar rendered")


def dashboard_maps(rendered) -> list[dict]:
    return [
        o
        for app in rendered.applications()
        for o in rendered.objects(app)
        if o["kind"] == "ConfigMap"
        and any(key.endswith(".json") for key in o.get("data", {}))
        and not app.startswith("kube-prometheus-stack")
    ]


def test_grafanas_sidecar_loads_every_dashboard_of_the_platform(rendered):
    sidecar = sidecar_settings(rendered)
    maps = dashboard_maps(rendered)
    assert len(maps) == 4, [m["metadata"]["name"] for m in maps]
    for config_map in maps:
        assert config_map["metadata"]["labels"].get(sidecar["LABEL"]) == sidecar["LABEL_VALUE"]
        assert sidecar["NAMESPACE"] in ("ALL", config_map["metadata"]["namespace"])


def test_dashboards_name_the_apps_scrape_jobs_and_namespace(rendered):
    jobs = scrape_jobs(rendered)
    env = yaml.safe_load((REPO / "environments" / rendered.env / "env.yaml").read_text())["environment"]
    for config_map in dashboard_maps(rendered):
        for name, text in config_map["data"].items():
            dashboard = json.loads(text)
            (namespace,) = [v for v in dashboard["templating"]["list"] if v["name"] == "namespace"]
            assert namespace["current"]["value"] == env["namespace"], name
            for panel in dashboard["panels"]:
                for query in panel_queries(panel):
                    for metric, labels in selectors(promql(query)):
                        if "job" in labels:
                            assert labels["job"] in jobs, (name, panel["title"], metric, labels["job"])
