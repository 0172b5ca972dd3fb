"""Real `annotator worker` processes for the tests: started in their own process group with
the stack's settings as environment variables, ready when their metrics answer, killed whole."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from annotator.config import WorkerSettings
from chr21_common.settings import SharedSettings
from gene_api.core.config import Settings
from tests.support.jobs import jobs_settings
from tests.support.servers import free_port, wait_until_ok

ANNOTATOR = str(Path(sys.executable).with_name("annotator"))


def environment(settings: WorkerSettings, **extra: str) -> dict[str, str]:
    """The settings as the environment variables a worker reads (the chart sets the same names)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_LOCATION") and k != "DATABASE_URL"}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        env[name.upper()] = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    # The process's own temporary files (its metrics folder) beside its jobs, in the test's folder.
    env["TMPDIR"] = settings.work_folder or env.get("TMPDIR", "/tmp")
    env.update(extra)
    return env


def own_queue(broker: str, request: pytest.FixtureRequest, prefix: str = "test") -> dict[str, str | None]:
    """Settings of a queue of the test's own on `broker`, so that nothing another run left on a
    shared broker gets in the way: on SQS (moto server), the queue made and its URL."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    sqs_queue_url = None
    if broker == "sqs://":
        request.getfixturevalue("aws")  # moto server, and AWS_* pointing at it
        sqs_queue_url = boto3.client("sqs").create_queue(QueueName=queue)["QueueUrl"]
    return {"broker_url": broker, "job_queue": queue, "sqs_queue_url": sqs_queue_url}


def worker_settings(database_url: str, folder: Path, **overrides) -> WorkerSettings:
    """The worker's settings over the test stack's (tests/support/jobs.py), with `overrides`.
    Jobs are staged in the test's folder: a killed worker's job folder is left there, not in /tmp."""
    unknown = set(overrides) - set(WorkerSettings.model_fields)
    assert not unknown, f"not the worker's settings (api_settings takes the API's): {sorted(unknown)}"
    (folder / "work").mkdir(parents=True, exist_ok=True)
    values = {**jobs_settings(database_url, folder).model_dump(), "work_folder": str(folder / "work")}
    return WorkerSettings(**{**values, **overrides})


def api_settings(worker_settings: WorkerSettings, **overrides) -> Settings:
    """The jobs API's settings over the worker's database, storages and broker: what the two
    share (SharedSettings), the test stack's API settings, and `overrides`."""
    shared = worker_settings.model_dump(include=set(SharedSettings.model_fields) - {"database_url"})
    folder = Path(worker_settings.work_folder).parent
    return jobs_settings(worker_settings.database_url, folder, **{**shared, **overrides})


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    metrics_port: int

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def kill(self) -> None:
        """SIGKILL the main process and every child at once, as the OOM killer or a node loss would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextmanager
def worker(settings: WorkerSettings, log: Path, ready: bool = True, **extra: str) -> Iterator[Worker]:
    """A worker, ready (its metrics answer) unless `ready` is False: a worker that may die as it
    starts (test_no_job_lost.py) is handed over at once."""
    port = free_port()
    env = environment(
        settings,
        WORKER_METRICS_PORT=str(port),
        PROMETHEUS_MULTIPROC_DIR=str(log.parent / f"metrics-{uuid.uuid4().hex[:8]}"),
        **extra,
    )
    with log.open("ab") as output:
        process = subprocess.Popen(
            [ANNOTATOR, "worker"], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    running = Worker(process, log, port)
    try:
        if ready:
            wait_until_ok(f"http://127.0.0.1:{port}/metrics", process)
        yield running
    finally:
        if process.poll() is None:
            running.kill()


def wait_for(condition, timeout: float, what: str):
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)  # polling a condition, with a deadline
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
