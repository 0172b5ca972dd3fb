"""How a job reaches its runner: a Celery task on the broker (in the cluster and `make run`),
or an AWS Step Functions execution (PIPELINE_BACKEND=stepfunctions).

The Celery app's configuration lives here, once: the API sends with it and the worker
(`annotator.celery_app`) consumes with it, so both agree on the broker, the queue and the
task's name.
"""

import json
import os
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from celery import Celery

from chr21_common.jobs.state import upload_key
from chr21_common.settings import SharedSettings

TASK_NAME = "annotator.annotate"
# The Celery message header that carries the submitting request's id to the worker's logs.
REQUEST_ID_HEADER = "request_id"


def celery_app(settings: SharedSettings) -> Celery:
    # fixups=[]: neither the API nor the worker is a Django project. Celery's Django fix-up would
    # set Django up in any process that has DJANGO_SETTINGS_MODULE (make run exports the
    # frontend's to all its processes): the worker then loaded the frontend and its metrics.
    app = Celery("chr21", broker=settings.broker_url, set_as_current=False, fixups=[])
    transport_options: dict = {}
    if settings.broker_url.startswith("sqs://"):
        transport_options = sqs_transport_options(settings)
    if settings.broker_url.startswith("filesystem://"):
        # No server: messages are files in one folder both the API and the worker see.
        folder = Path(settings.broker_folder).resolve()
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    app.conf.update(
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_default_queue=settings.job_queue,
        task_routes={TASK_NAME: {"queue": settings.job_queue}},
        task_serializer="json",
        accept_content=["json"],
        # Job state lives in the API's database (jobs/state.py), not in a result backend.
        task_ignore_result=True,
        # Acknowledged when done, re-queued when the worker dies: a job is never lost, and a
        # job that runs twice writes the same files under the same keys (idempotent).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
    )
    return app


def sqs_transport_options(settings: SharedSettings) -> dict:
    """SQS (the broker in AWS): the one queue terraform-bootstrap made, by its URL, so Celery
    never lists or creates queues (the IAM role allows neither); the region from the URL."""
    url = settings.sqs_queue_url
    if not url:
        raise ValueError("BROKER_URL sqs:// needs SQS_QUEUE_URL")
    host = urlsplit(url).hostname or ""
    region = host.split(".")[1] if host.startswith("sqs.") else os.environ.get("AWS_REGION", "us-east-1")
    return {"region": region, "predefined_queues": {settings.job_queue: {"url": url}}}


class Dispatcher(Protocol):
    def start(self, job_id: str, request_id: str) -> None:
        """Hand the job to its runner, with the id of the request that submitted it (for the
        runner's logs); raises `DispatchError` when that cannot be done now."""


class DispatchError(RuntimeError):
    pass


class CeleryDispatcher:
    def __init__(self, settings: SharedSettings) -> None:
        try:
            self.app = celery_app(settings)
        except (OSError, ValueError) as error:  # a broker folder that is a file, no SQS URL
            raise DispatchError(f"the job queue cannot be set up: {error}") from None
        self.queue = settings.job_queue

    def start(self, job_id: str, request_id: str) -> None:
        try:
            self.app.send_task(
                TASK_NAME,
                args=[job_id],
                headers={REQUEST_ID_HEADER: request_id},
                queue=self.queue,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
            )
        except Exception as error:  # kombu raises its transport's own errors
            raise DispatchError(f"the job queue is unreachable: {error}") from None


class StepFunctionsDispatcher:
    def __init__(self, settings: SharedSettings) -> None:
        import boto3

        if not settings.state_machine_arn:
            raise ValueError("PIPELINE_BACKEND=stepfunctions needs STATE_MACHINE_ARN")
        self.settings = settings
        self.client = boto3.client("stepfunctions")

    def start(self, job_id: str, request_id: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        execution_input = {
            "job_id": job_id,
            "input": f"{self.settings.uploads_location.rstrip('/')}/{upload_key(job_id)}",
            "output": f"{self.settings.results_location.rstrip('/')}/{job_id}",
            "request_id": request_id,
        }
        try:
            # The execution's name is the job id: Step Functions refuses a second one, so a
            # retried request cannot start the job twice.
            self.client.start_execution(
                stateMachineArn=self.settings.state_machine_arn,
                name=job_id,
                input=json.dumps(execution_input),
            )
        except (BotoCoreError, ClientError) as error:
            raise DispatchError(f"Step Functions did not start the job: {error}") from None


def dispatcher(settings: SharedSettings) -> Dispatcher:
    if settings.pipeline_backend == "stepfunctions":
        return StepFunctionsDispatcher(settings)
    return CeleryDispatcher(settings)
