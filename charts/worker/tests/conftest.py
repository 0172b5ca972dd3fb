"""Renders of the worker chart for its unit tests (Airflow-chart style: helm template, one
concern a file)."""

import pytest

from tests.support.helm import render_chart, render_error

# What the apps ApplicationSet passes from the cluster secret (argocd/README.md).
REQUIRED = {
    "database": {"host": "db.example.internal"},
    "pipeline": {
        "sqsQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs",
        "uploadsLocation": "s3://chr21-hml-uploads",
        "resultsLocation": "s3://chr21-hml-results",
    },
}


def merged(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


@pytest.fixture
def render():
    """The chart's objects by kind, with the required values plus `values`."""

    def rendered(values: dict | None = None) -> dict[str, dict]:
        objects = render_chart(chart="worker", release="worker", values=merged(REQUIRED, values or {}))
        return {obj["kind"]: obj for obj in objects}

    return rendered


@pytest.fixture
def failure():
    def failed(values: dict) -> str:
        return render_error(chart="worker", release="worker", values=merged(REQUIRED, values))

    return failed
