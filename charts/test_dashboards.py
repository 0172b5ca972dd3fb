"""The Grafana dashboards shipped with the charts (dashboards/*.json: one per workload in its
chart, the platform overview in charts/platform), rendered by common.grafanaDashboards into
ConfigMaps for kube-prometheus-stack's Grafana sidecar: each is valid JSON with a unique uid,
asks for its data source and namespace as variables, and every panel has queries that parse as
PromQL; the ConfigMap holds the file as it is.

That every metric they name is one the running apps export is
tests/test_metrics_contract.py's concern; that Grafana's sidecar picks them up in an
environment, tests/gitops/test_monitoring_wiring.py's."""

import json

import pytest

from tests.support.chart_values import REQUIRED, merged
from tests.support.dashboards import DASHBOARD_CHARTS, dashboard_files, panel_queries, promql
from tests.support.helm import render_chart
from tests.support.paths import CHARTS
from tests.support.promql import selectors


def chart_values(chart: str) -> dict:
    return merged(REQUIRED[chart], {"grafanaDashboard": {"enabled": True}})


def test_each_workload_and_the_platform_has_one_dashboard():
    assert {chart: [p.name for p in dashboard_files(chart)] for chart in DASHBOARD_CHARTS} == {
        "gene-api": ["gene-api.json"],
        "web": ["web.json"],
        "worker": ["worker.json"],
        "platform": ["overview.json"],
    }


def test_uids_are_unique():
    uids = [json.loads(p.read_text())["uid"] for chart in DASHBOARD_CHARTS for p in dashboard_files(chart)]
    assert len(uids) == len(set(uids)), uids


@pytest.mark.parametrize("chart", DASHBOARD_CHARTS)
def test_every_panel_queries_the_chosen_data_source_and_namespace(chart):
    for path in dashboard_files(chart):
        dashboard = json.loads(path.read_text())
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["datasource"]["query"] == "prometheus"
        assert dashboard["title"]
        assert dashboard["panels"]
        for panel in dashboard["panels"]:
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
            assert panel["targets"], panel["title"]
            for query in panel_queries(panel):
                for metric, labels in selectors(promql(query)):
                    assert labels.get("namespace") == "$namespace", (panel["title"], metric)


@pytest.mark.parametrize("chart", DASHBOARD_CHARTS)
def test_the_configmap_holds_the_file_as_it_is_with_the_sidecars_label(chart):
    objects = render_chart(chart=chart, release=chart, values=chart_values(chart))
    maps = {
        o["metadata"]["name"]: o
        for o in objects
        if o["kind"] == "ConfigMap" and "dashboard" in o["metadata"]["name"]
    }
    for path in dashboard_files(chart):
        (found,) = [m for m in maps.values() if path.name in m["data"]]
        assert found["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert json.loads(found["data"][path.name]) == json.loads(path.read_text())


@pytest.mark.parametrize("chart", DASHBOARD_CHARTS)
def test_no_dashboard_unless_asked(chart):
    objects = render_chart(chart=chart, release=chart, values=REQUIRED[chart])
    assert not [o for o in objects if "grafana_dashboard" in o["metadata"].get("labels", {})]
    assert (CHARTS / chart / "values.yaml").read_text().count("grafanaDashboard:") == 1
