"""templates/pdb.yaml."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_one

DB = REQUIRED["gene-api"]


def test_min_available_by_default_max_unavailable_when_set():
    assert render_one("PodDisruptionBudget", values=DB)["spec"]["minAvailable"] == 1
    pdb = render_one("PodDisruptionBudget", values={**DB, "pdb": {"maxUnavailable": "25%"}})
    assert pdb["spec"] == {
        "maxUnavailable": "25%",
        "selector": {
            "matchLabels": {"app.kubernetes.io/name": "gene-api", "app.kubernetes.io/instance": "gene-api"}
        },
    }


def test_can_be_turned_off():
    assert not [
        o
        for o in render_chart(values={**DB, "pdb": {"enabled": False}})
        if o["kind"] == "PodDisruptionBudget"
    ]
