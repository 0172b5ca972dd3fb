"""The worker's Prometheus metrics, served by the Celery main process on WORKER_METRICS_PORT.

Jobs run in Celery's child processes, so metrics are kept in prometheus_client's
multiprocess files (PROMETHEUS_MULTIPROC_DIR, which `annotator worker` sets and empties before
anything imports this module: cli.py) and added up by the main process when scraped, as the
API's gunicorn does.
"""

import logging

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

log = logging.getLogger("annotator.metrics")

JOBS = Counter("annotator_jobs_total", "Job runs a worker ended, by outcome", ["outcome"])
JOB_SECONDS = Histogram(
    "annotator_job_duration_seconds",
    "Time one job run took, from start to its outcome",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
RECORDS = Counter("annotator_records_total", "Input records the worker read")
# Among the failed runs, those that ended on their input: the user's to mend, not the platform's
# (the failure alert leaves them out). Counted by the runner, which alone tells them apart.
REFUSED = Counter("annotator_jobs_refused_total", "Job runs that failed on their input (a bad file)")


def serve(host: str, port: int) -> None:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=host, registry=registry)
    log.info("metrics on http://%s:%s/metrics", host, port)


def process_ended(pid: int) -> None:
    multiprocess.mark_process_dead(pid)
