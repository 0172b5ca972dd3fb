"""Contract between the pipeline's two charts and the apps they deploy.

gene-api's and the worker's Deployments are rendered with the same cluster facts (the
buckets and the SQS queue the apps ApplicationSet passes from the cluster secret) and run as
rendered, with their Secrets injected, against PostgreSQL at 127.0.0.1 and moto server (S3,
SQS): a job posted to the API's rendered port goes through the queue to the worker, which
writes its results into the results bucket. Deviations from a pod, for this machine: both
listen on 127.0.0.1; the emptyDirs the charts mount (/staging, /work) are temporary folders;
AWS_* point boto3 at moto server (in a pod, IRSA gives the credentials and AWS_REGION).
"""

import signal
import subprocess
import uuid

import boto3
import httpx
import pytest

from annotator.config import WorkerSettings
from chr21_common.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE, result_key, upload_key
from gene_api.core.security import mint_token
from tests.support.aws import REGION, aws, new_bucket  # noqa: F401 -- aws is a fixture, used by name
from tests.support.chart_values import REQUIRED, merged
from tests.support.contract import SECRET_VALUE, mounted_at, resolve_env, run_env, secret_values
from tests.support.database_fixtures import migrated_and_seeded
from tests.support.databases import ThrowawayDatabases
from tests.support.helm import render_chart
from tests.support.servers import free_port, running
from worker.tests.workers import wait_for

MOTO_ACCOUNT = "123456789012"  # moto's default account: the queue URL names it as AWS's would
BED = b"chr21\t25880535\t25880600\tin_app\n21\t10\t20\tfar_left\n"
# The settings both charts take from the same cluster facts: where jobs go and come from.
SHARED = ("BROKER_URL", "JOB_QUEUE", "SQS_QUEUE_URL", "UPLOADS_LOCATION", "RESULTS_LOCATION")


@pytest.fixture(scope="module")
def facts(aws):  # noqa: F811 -- the fixture imported above
    """The pipeline's cluster facts, made real on moto server: two buckets and a queue."""
    suffix = uuid.uuid4().hex[:8]
    queue = f"contract-jobs-{suffix}"
    url = boto3.client("sqs").create_queue(QueueName=queue)["QueueUrl"]
    assert url.endswith(f"/{MOTO_ACCOUNT}/{queue}")
    return {
        "sqsQueueUrl": f"https://sqs.{REGION}.amazonaws.com/{MOTO_ACCOUNT}/{queue}",
        "uploadsLocation": f"s3://{new_bucket(f'contract-uploads-{suffix}')}",
        "resultsLocation": f"s3://{new_bucket(f'contract-results-{suffix}')}",
    }


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    databases = ThrowawayDatabases(tmp_path_factory.mktemp("databases"))
    url = databases.new("postgresql")
    migrated_and_seeded(url).dispose()  # what gene-api's migration Job does (test_chart_api_contract)
    yield url
    databases.drop_all()


def render(chart: str, facts: dict, app: dict) -> dict[str, dict]:
    values = merged(REQUIRED[chart], {"pipeline": facts, "app": app})
    return {o["kind"]: o for o in render_chart(chart=chart, release=chart, values=values)}


@pytest.fixture(scope="module")
def api(facts):
    return render("gene-api", facts, {"port": free_port(), "metricsPort": free_port()})


@pytest.fixture(scope="module")
def worker(facts):
    return render("worker", facts, {"metricsPort": free_port()})


def stored_keys(location: str) -> set[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=location.removeprefix("s3://"))
    return {obj["Key"] for obj in listed.get("Contents", [])}


def container_of(rendered: dict) -> tuple[dict, dict]:
    pod = rendered["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return pod, container


def test_both_charts_send_and_take_jobs_at_the_same_places(api, worker):
    api_data, worker_data = api["ConfigMap"]["data"], worker["ConfigMap"]["data"]
    assert {name: api_data[name] for name in SHARED} == {name: worker_data[name] for name in SHARED}
    assert api_data["PIPELINE_BACKEND"] == "celery"


def test_the_worker_chart_sets_only_settings_the_worker_reads(worker):
    read = {name.upper() for name in WorkerSettings.model_fields}
    _, container = container_of(worker)
    set_by_chart = set(worker["ConfigMap"]["data"]) | {item["name"] for item in container["env"]}
    assert set_by_chart <= read, f"the worker reads none of {sorted(set_by_chart - read)}"
    assert {"DATABASE_URL", "BROKER_URL", "UPLOADS_LOCATION", "RESULTS_LOCATION"} <= set_by_chart


def test_a_job_posted_to_the_rendered_api_is_run_by_the_rendered_worker(api, worker, database_url, tmp_path):
    api_pod, api_container = container_of(api)
    api_env = resolve_env(api_container, api, secret_values(api, database_url))
    # The staging folder is the emptyDir the chart mounts there; here a temporary folder.
    assert api_env["UPLOAD_STAGING_FOLDER"] == mounted_at(api_pod, api_container, "staging")
    api_env |= {"API_HOST": "127.0.0.1", "UPLOAD_STAGING_FOLDER": str(tmp_path / "staging")}

    worker_pod, worker_container = container_of(worker)
    worker_env = resolve_env(worker_container, worker, secret_values(worker, database_url))
    assert worker_env["WORK_FOLDER"] == mounted_at(worker_pod, worker_container, "work")
    worker_env |= {
        "WORKER_METRICS_HOST": "127.0.0.1",
        "WORK_FOLDER": str(tmp_path / "work"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "work").mkdir()

    base = f"http://127.0.0.1:{api_env['API_PORT']}"
    metrics = f"http://127.0.0.1:{worker_env['WORKER_METRICS_PORT']}/metrics"
    auth = {"Authorization": f"Bearer {mint_token(SECRET_VALUE, 'alice')}"}
    with (
        running(api_container["command"], run_env(api_env), f"{base}/healthz"),
        running(worker_container["command"], run_env(worker_env), metrics) as worker_process,
    ):
        posted = httpx.post(f"{base}/jobs", files={"file": ("a.bed", BED)}, headers=auth)
        assert posted.status_code == 202, posted.text
        job_id = posted.json()["id"]

        def finished():
            job = httpx.get(f"{base}/jobs/{job_id}", headers=auth).json()
            return job if job["status"] in ("succeeded", "failed") else None

        job = wait_for(finished, timeout=90, what=f"job {job_id} to finish")
        assert job["status"] == "succeeded", job
        result = httpx.get(f"{base}/jobs/{job_id}/result", params={"format": "tsv"}, headers=auth)
        assert result.status_code == 307  # a presigned URL of the results bucket
        assert "in_app" in httpx.get(result.headers["location"]).text

        # The upload where the API put it, the results where the worker wrote them.
        assert stored_keys(api_env["UPLOADS_LOCATION"]) == {upload_key(job_id)}
        results = {result_key(job_id, name) for name in (*RESULT_FILES.values(), SUMMARY_FILE, PLOT_FILE)}
        assert stored_keys(worker_env["RESULTS_LOCATION"]) == results

        # SIGTERM, as the kubelet sends it: Celery's warm shutdown ends within the pod's grace.
        worker_process.send_signal(signal.SIGTERM)
        grace = worker["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        try:
            assert worker_process.wait(timeout=grace) == 0
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not stop within terminationGracePeriodSeconds ({grace} s)")
