"""The worker's Prometheus metrics, served by the Celery main process on WORKER_METRICS_PORT.

Jobs run in processes of their own (job_process.py), so metrics are kept in prometheus_client's
multiprocess files (PROMETHEUS_MULTIPROC_DIR, which `annotator worker` sets and empties before
anything imports this module: cli.py; a job's process writes those of its worker's slot, below)
and added up by the main process when scraped, as the API's gunicorn does.
"""

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server, values

log = logging.getLogger("annotator.metrics")

# A job's process (job_process.py) keeps its metrics in the files of its worker's slot, not in
# files of its own pid: one process per job would otherwise leave files per job for the worker's
# metrics endpoint to read at every scrape. One job at a time per slot: no two write one file.
_slot: list[str] = []
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    values.ValueClass = values.MultiProcessValue(lambda: _slot[0] if _slot else os.getpid())


def use_slot(slot: int) -> None:
    _slot[:] = [f"job-slot-{slot}"]


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
