"""The real Celery worker (`annotator worker`, a separate process) takes jobs the API sends
through each broker it supports: Redis and RabbitMQ (running on 127.0.0.1), SQS (AWS's, here
moto server's), and the filesystem transport that `make run` uses (no server). Job state comes
back through the database, not a result backend."""

import httpx
import pytest
from fastapi.testclient import TestClient

from chr21_common.db import make_engine
from gene_api.main import create_app
from tests.support.jobs import bearer
from tests.support.logs import json_lines, with_request_id
from worker.tests.workers import api_settings, own_queue, wait_for, worker, worker_settings

BROKERS = {
    "redis": "redis://127.0.0.1:6379/0",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
    "filesystem": "filesystem://",
    "sqs": "sqs://",
}
BED = b"chr21\t25880535\t25880600\tin_app\n21\t10\t20\tfar_left\n"


@pytest.mark.parametrize("broker", BROKERS.values(), ids=BROKERS.keys())
def test_the_worker_runs_a_job_sent_through_the_broker(broker, postgres_url, tmp_path, request):
    settings = worker_settings(postgres_url, tmp_path, **own_queue(broker, request))
    queue = settings.job_queue
    with (
        TestClient(create_app(api_settings(settings))) as api,
        worker(settings, tmp_path / "worker.log") as running,
    ):
        headers = {**bearer(), "X-Request-ID": f"trace-{queue}"}
        response = api.post("/jobs", files={"file": ("a.bed", BED)}, headers=headers)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]

        def finished():
            job = api.get(f"/jobs/{job_id}", headers=bearer()).json()
            return job if job["status"] in ("succeeded", "failed") else None

        job = wait_for(finished, timeout=60, what=f"job {job_id} to finish")
        assert job["status"] == "succeeded", job
        assert job["summary"]["rows"] == 2
        assert "in_app" in api.get(f"/jobs/{job_id}/result", headers=bearer()).text
        # Counted once the job's process has ended, just after it recorded the success.
        wait_for(
            lambda: 'annotator_jobs_total{outcome="succeeded"} 1.0' in httpx.get(running.metrics_url).text,
            timeout=10,
            what="the run counted in the worker's metrics",
        )
        assert "annotator_records_total 2.0" in httpx.get(running.metrics_url).text
    # The worker logs JSON lines; the job's carry the submitting request's id, sent in the message.
    logged = json_lines(running.log.read_text(), "the worker's log")
    ran = [entry["message"] for entry in with_request_id(logged, f"trace-{queue}")]
    assert f"job {job_id}: succeeded, 2 records, 2 rows" in ran, ran
    assert any(message.startswith("Task annotator.annotate[") for message in ran), ran
    make_engine(settings).dispose()
