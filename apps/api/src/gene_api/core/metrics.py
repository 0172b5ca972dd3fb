"""Prometheus metrics: request count and latency by method, route template and status class.

Every label comes from a fixed set, so no request can create a series: methods outside
METHODS count as "other", paths no route matches as "<unmatched>", statuses by class.
Under gunicorn each worker is its own process; they write to PROMETHEUS_MULTIPROC_DIR and
the master serves the sum on its own port (gunicorn_conf.py), where the Ingress never routes,
with the jobs' state read from the database (jobs/metrics.py).
"""

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine

from gene_api.jobs.metrics import JobsCollector

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LABELS = ("method", "route", "status")
REQUESTS = Counter("http_requests_total", "HTTP requests served", LABELS)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response",
    LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# POST /jobs that stored the upload and made the record: "started" when its runner was started
# (the Celery queue or Step Functions), "not_started" when that failed (the job is failed).
JOBS_SUBMITTED = Counter(
    "gene_api_jobs_submitted_total", "Jobs submitted, by whether their runner was started", ["outcome"]
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method if method in METHODS else "other", route, f"{status // 100}xx")
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)


def multiprocess_registry(jobs_engine: Engine | None = None) -> CollectorRegistry:
    """The sum of every worker's metrics files in PROMETHEUS_MULTIPROC_DIR, and the jobs' state
    read through `jobs_engine` at each scrape when given."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    if jobs_engine is not None:
        registry.register(JobsCollector(jobs_engine))
    return registry
