"""The Celery worker's app: the API's Celery configuration (chr21_common.jobs.queue) plus the
task that runs a job, with the bounds of one job (config.py).

Run it with `annotator worker` (the chart's command, and the Procfile's `worker` line).

Its logs are the API's JSON lines (chr21_common.logs), Celery's own included; while a task
runs they carry the id of the request that submitted the job (a header of the task's message).
"""

import logging
import queue
import time

from celery import Celery, signals

from annotator import faults, job_process, metrics
from annotator.config import WorkerSettings, get_worker_settings
from chr21_common.db import make_engine
from chr21_common.jobs.queue import REQUEST_ID_HEADER, TASK_NAME, celery_app
from chr21_common.jobs.state import JobStore
from chr21_common.logs import NO_REQUEST_ID, configure_logging, request_id_or_new, request_id_var

log = logging.getLogger("annotator.worker")
# Backoff between retries after a transient error: 2, 4, 8, ... seconds, at most a minute.
RETRY_BASE_SECONDS = 2
RETRY_MAX_SECONDS = 60


def make_app(settings: WorkerSettings) -> Celery:
    app = celery_app(settings)
    if settings.broker_url.startswith(("sqs://", "redis://", "rediss://")):
        # An unacknowledged message returns to the queue after this long: longer than a job may
        # run, so a job still running is never handed to a second worker; a dead worker's job is
        # (and, sooner, by `gene-api jobs recover` once its heartbeat is stale).
        app.conf.broker_transport_options["visibility_timeout"] = settings.job_time_limit_seconds + 60
    app.conf.update(
        # Threads that each wait on a job's own process (job_process.py), not Celery's prefork pool.
        worker_pool="threads",
        worker_concurrency=settings.worker_concurrency,
        # No remote control (nothing here uses `celery inspect`; SQS has none): on RabbitMQ it
        # is a queue per worker named by its host name, which two workers on one host fight over.
        worker_enable_remote_control=False,
    )
    store: dict[str, JobStore] = {}
    # One slot per thread that runs a task (WORKER_CONCURRENCY): never empty when a task asks.
    slots: queue.SimpleQueue[int] = queue.SimpleQueue()
    for slot in range(settings.worker_concurrency):
        slots.put(slot)

    @app.task(name=TASK_NAME, bind=True, max_retries=settings.job_retries)
    def annotate(self, job_id: str) -> str:
        started = time.monotonic()
        outcome = run(self, job_id)
        metrics.JOBS.labels(outcome).inc()
        metrics.JOB_SECONDS.observe(time.monotonic() - started)
        return outcome

    def run(task, job_id: str) -> str:
        if "jobs" not in store:
            store["jobs"] = JobStore(make_engine(settings))
        jobs = store["jobs"]
        slot = slots.get()
        try:
            ended = job_process.run(settings, jobs, job_id, request_id_var.get(), slot)
        finally:
            slots.put(slot)
        if ended.outcome not in ("transient", "lost"):
            return ended.outcome
        retries = task.request.retries
        if ended.outcome == "transient" and retries >= task.max_retries:
            why = f": {ended.detail}" if ended.detail else " of transient errors"
            jobs.fail(job_id, f"gave up after {task.max_retries} retries{why}")
            return "failed"
        metrics.JOBS.labels("retried").inc()
        # A new message for it, this one acknowledged; lost runs start again at once.
        if ended.outcome == "lost":
            # Not counted against JOB_RETRIES: JobStore.lost fails it past state.MAX_ATTEMPTS.
            raise task.retry(countdown=0, max_retries=retries + 1)
        raise task.retry(countdown=min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries))

    @signals.task_received.connect(weak=False)
    def received(request=None, **kwargs) -> None:
        faults.point("received", (request.args or [""])[0] if request else "")

    @signals.celeryd_init.connect(weak=False)  # first thing the worker does (before its warnings)
    @signals.setup_logging.connect(weak=False)  # connected, it replaces Celery's own set-up
    def json_logs(**kwargs) -> None:
        configure_logging(settings.log_level)

    @signals.task_prerun.connect(sender=annotate, weak=False)
    def take_request_id(task=None, **kwargs) -> None:
        # A message sent before ids were sent has none: the task gets one of its own.
        request_id_var.set(request_id_or_new((task.request.headers or {}).get(REQUEST_ID_HEADER)))

    @signals.task_postrun.connect(sender=annotate, weak=False)
    def drop_request_id(**kwargs) -> None:
        request_id_var.set(NO_REQUEST_ID)

    @signals.worker_init.connect(weak=False)
    def serve_metrics(**kwargs) -> None:
        metrics.serve(settings.worker_metrics_host, settings.worker_metrics_port)
        job_process.start_fork_server()

    return app


app = make_app(get_worker_settings())
