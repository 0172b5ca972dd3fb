"""Prometheus metrics: request count and latency by method, route template and status.

Under gunicorn each worker is its own process; gunicorn_conf.py points
PROMETHEUS_MULTIPROC_DIR at a fresh folder so /metrics adds up every worker.
"""

import os

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

LABELS = ("method", "route", "status")
REQUESTS = Counter("http_requests_total", "HTTP requests served", LABELS)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response",
    LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)


def metrics_response() -> Response:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
