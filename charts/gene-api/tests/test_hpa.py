"""templates/hpa.yaml."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_one

DB = REQUIRED["gene-api"]


def test_scales_the_deployment_on_cpu():
    hpa = render_one(
        "HorizontalPodAutoscaler",
        values={
            **DB,
            "autoscaling": {
                "enabled": True,
                "minReplicas": 3,
                "maxReplicas": 9,
                "targetCPUUtilizationPercentage": 60,
            },
        },
    )
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "gene-api",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 9)
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 60


def test_off_by_default():
    assert not [o for o in render_chart(values=DB) if o["kind"] == "HorizontalPodAutoscaler"]
