"""The common library serves more than the API: a worker-shaped chart (no Service, no
Ingress, no probes; a one-step Django-style migration) built from its helpers alone
renders valid objects.

What its objects hold (the chart's own values over the hardened defaults, labels, the IRSA
annotation, the worker's NetworkPolicy, the single-step migration Job) is checked by the
helm-unittest suites of the example chart, worker-example/tests/*_test.yaml
(`helm unittest charts/common/tests/worker-example`). This stays here because helm-unittest
cannot validate rendered objects against the Kubernetes and CRD schemas (kubeconform does)."""

from pathlib import Path

from tests.support.helm import render_chart
from tests.support.validate import assert_valid

WORKER = Path(__file__).parent / "worker-example"


def test_worker_shaped_chart_renders_valid_objects():
    objects = render_chart(chart=WORKER, release="worker")
    assert_valid(objects)
    # Every object was validated: none is missing from the render.
    assert sorted(o["kind"] for o in objects) == [
        "ConfigMap",
        "Deployment",
        "ExternalSecret",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ServiceAccount",
        "ServiceAccount",
    ]
