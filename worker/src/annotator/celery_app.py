"""The Celery worker's app: the API's Celery configuration (gene_api.jobs.queue) plus the
task that runs a job, with the bounds of one job (config.py).

Run it with `annotator worker` (the chart's command, and the Procfile's `worker` line).

Its logs are the API's JSON lines (gene_api.core.logging), Celery's own included; while a task
runs they carry the id of the request that submitted the job (a header of the task's message).
"""

import logging
import os
import time

from billiard.exceptions import SoftTimeLimitExceeded
from celery import Celery, signals

from annotator import metrics
from annotator.config import WorkerSettings, get_worker_settings
from annotator.genes import GeneSource
from annotator.runner import Transient, celery_places, run_job
from gene_api.core.logging import NO_REQUEST_ID, configure_logging, request_id_or_new, request_id_var
from gene_api.db import make_engine
from gene_api.jobs.queue import REQUEST_ID_HEADER, TASK_NAME, celery_app
from gene_api.jobs.services import JobServices

log = logging.getLogger("annotator.worker")
# Backoff between retries after a transient error: 2, 4, 8, ... seconds, at most a minute.
RETRY_BASE_SECONDS = 2
RETRY_MAX_SECONDS = 60


class Context:
    """What the task needs, built once per worker process."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        engine = make_engine(settings)
        self.services = JobServices.from_settings(settings, engine)
        self.genes = GeneSource(engine)


def make_app(settings: WorkerSettings) -> Celery:
    app = celery_app(settings)
    if settings.broker_url.startswith(("sqs://", "redis://", "rediss://")):
        # An unacknowledged message returns to the queue after this long: longer than a job may
        # run, so a job still running is never handed to a second worker; a dead worker's job is.
        app.conf.broker_transport_options["visibility_timeout"] = settings.job_time_limit_seconds + 60
    app.conf.update(
        task_soft_time_limit=settings.job_soft_time_limit_seconds,
        task_time_limit=settings.job_time_limit_seconds,
        worker_max_memory_per_child=settings.worker_max_memory_mb * 1024,  # KiB
        worker_concurrency=settings.worker_concurrency,
    )
    context: dict[str, Context] = {}

    @app.task(name=TASK_NAME, bind=True, max_retries=settings.job_retries)
    def annotate(self, job_id: str) -> str:
        started = time.monotonic()
        outcome = run(self, job_id)
        metrics.JOBS.labels(outcome).inc()
        metrics.JOB_SECONDS.observe(time.monotonic() - started)
        return outcome

    def run(task, job_id: str) -> str:
        if "context" not in context:
            context["context"] = Context(settings)
        ctx = context["context"]
        source, target = celery_places(ctx.services, job_id)
        try:
            return run_job(job_id, ctx.services, ctx.genes, source, target, settings.work_folder)
        except Transient as error:
            if task.request.retries >= task.max_retries:
                ctx.services.jobs.fail(job_id, f"gave up after {task.max_retries} retries: {error}")
                return "failed"
            countdown = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**task.request.retries)
            metrics.JOBS.labels("retried").inc()
            raise task.retry(exc=error, countdown=countdown) from None
        except SoftTimeLimitExceeded:
            ctx.services.jobs.fail(
                job_id, f"the job ran past its time limit ({settings.job_soft_time_limit_seconds} s)"
            )
            return "failed"

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

    @signals.worker_process_shutdown.connect(weak=False)
    def forget_process(pid=None, **kwargs) -> None:
        metrics.process_ended(pid or os.getpid())

    return app


app = make_app(get_worker_settings())
