"""AWS mode (PIPELINE_BACKEND=stepfunctions) against moto server on 127.0.0.1, as far as moto
goes. The API starts an execution of the state machine file (worker/statemachine/, its
placeholders filled as the Terraform bootstrap fills them); moto evaluates it: the Annotate
state's Batch submission with the command built from the execution's input, and, when that
fails, the catch's RecordFailure state with the caught error in its command. moto runs no
container, and its submitJob.sync integration fails (moto 5.2.5: States.Runtime 'JobName'),
which is what routes every execution here through the catch. So the test plays Batch's part:
it takes each command from the execution's history, as submitted, and runs it here against the
same database and S3 (moto). Unverified here: Batch itself, the .sync wait, the retry timing.

The file is validated with the npm package asl-validator (installed by scripts/bootstrap-tools)."""

import json
import subprocess
import uuid

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient

from gene_api.main import create_app
from tests.support.aws import new_bucket
from tests.support.jobs import bearer
from tests.support.logs import json_lines, with_request_id
from tests.support.paths import REPO
from worker.tests.workers import ANNOTATOR, api_settings, environment, wait_for, worker_settings

STATE_MACHINE = REPO / "worker" / "statemachine" / "annotate.asl.json"
ASL_VALIDATOR = REPO / ".tools" / "bin" / "asl-validator"
BED = b"chr21\t25880535\t25880600\tin_app\n21\t10\t20\tfar_left\n"
# A client's id the API keeps, which looks like an option: the commands must still take it as the id.
REQUEST_ID = "--help"


def test_the_state_machine_is_valid_asl():
    result = subprocess.run([ASL_VALIDATOR, "--json-path", STATE_MACHINE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_asl_validator_refuses_a_broken_definition(tmp_path):
    broken = definition()
    broken["States"]["Annotate"]["Next"] = "Nowhere"
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(broken))
    assert subprocess.run([ASL_VALIDATOR, "--json-path", path], capture_output=True).returncode != 0


def definition() -> dict:
    return json.loads(STATE_MACHINE.read_text())


def filled(definition: dict, **values: str) -> str:
    """The definition with its ${placeholders} filled, as Terraform's templatefile() does."""
    text = json.dumps(definition)
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text
    return text


def batch_on(endpoint: str) -> dict[str, str]:
    """moto's AWS Batch at `endpoint`, running no container, with a queue and the worker's job
    definition; and Step Functions executing state machines. The placeholders' values."""
    config = {"batch": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}
    httpx.post(f"{endpoint}/moto-api/config", json=config).raise_for_status()
    role = boto3.client("iam").create_role(
        RoleName=f"batch-{uuid.uuid4().hex[:8]}",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    client = boto3.client("batch")
    environment_arn = client.create_compute_environment(
        computeEnvironmentName="annotate", type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    queue = client.create_job_queue(
        jobQueueName="annotate", state="ENABLED", priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment_arn}],
    )["jobQueueArn"]  # fmt: skip
    definition = client.register_job_definition(
        jobDefinitionName="annotator", type="container",
        containerProperties={"image": "worker:test", "command": ["annotator"], "vcpus": 1, "memory": 1024},
    )["jobDefinitionName"]  # fmt: skip
    return {"job_queue_arn": queue, "job_definition_name": definition}


@pytest.fixture(scope="module")
def batch(aws) -> dict[str, str]:
    return batch_on(aws)


def state_machine(definition: dict, batch: dict) -> str:
    return boto3.client("stepfunctions").create_state_machine(
        name=f"annotate-{uuid.uuid4().hex[:8]}",
        definition=filled(definition, **batch),
        roleArn="arn:aws:iam::123456789012:role/annotate-states",
    )["stateMachineArn"]


def scheduled_commands(execution: str) -> dict[str, list[str]]:
    """State name -> the Batch command its task was scheduled with, from the execution's history."""
    client = boto3.client("stepfunctions")
    events = client.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    commands, state = {}, None
    for event in events:
        if event["type"] == "TaskStateEntered":
            state = event["stateEnteredEventDetails"]["name"]
        if event["type"] == "TaskScheduled":
            parameters = json.loads(event["taskScheduledEventDetails"]["parameters"])
            commands.setdefault(state, parameters["ContainerOverrides"]["Command"])
    return commands


def aws_settings(database_url: str, folder, state_machine_arn: str):
    """The worker's (and API's) settings in AWS mode: buckets of their own on moto."""
    uploads = new_bucket(f"uploads-{uuid.uuid4().hex[:8]}")
    results = new_bucket(f"results-{uuid.uuid4().hex[:8]}")
    return worker_settings(
        database_url, folder, pipeline_backend="stepfunctions", state_machine_arn=state_machine_arn,
        uploads_location=f"s3://{uploads}", results_location=f"s3://{results}",
    )  # fmt: skip


def run_as_batch(command: list[str], settings) -> subprocess.CompletedProcess:
    """What the Batch container does: the submitted command, with the job definition's environment."""
    argv = [ANNOTATOR, *command[1:]]
    return subprocess.run(argv, env=environment(settings), capture_output=True, text=True)


@pytest.fixture
def aws_api(batch, postgres_url, tmp_path):
    settings = aws_settings(postgres_url, tmp_path, state_machine(definition(), batch))
    with TestClient(create_app(api_settings(settings))) as api:
        yield settings, api


def started(settings, api, content: bytes = BED) -> tuple[str, dict[str, list[str]]]:
    """A job submitted through the API; its id and the commands its execution scheduled."""
    headers = {**bearer("aws"), "X-Request-ID": REQUEST_ID}
    response = api.post("/jobs", files={"file": ("a.bed", content)}, headers=headers)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    execution = f"{settings.state_machine_arn.replace(':stateMachine:', ':execution:')}:{job_id}"
    client = boto3.client("stepfunctions")
    assert json.loads(client.describe_execution(executionArn=execution)["input"]) == {
        "job_id": job_id,
        "input": f"{settings.uploads_location}/{job_id}/input",
        "output": f"{settings.results_location}/{job_id}",
        "request_id": REQUEST_ID,
    }
    commands = wait_for(
        lambda: (found := scheduled_commands(execution)) and "RecordFailure" in found and found,
        timeout=60,
        what="the execution to schedule its Batch jobs",
    )
    client.stop_execution(executionArn=execution)  # moto would go on retrying RecordFailure
    return job_id, commands


def test_the_execution_runs_the_job_with_the_worker_image(aws_api):
    settings, api = aws_api
    job_id, commands = started(settings, api)
    assert commands["Annotate"] == [
        "annotator", "run-job", "--job-id", job_id,
        "--input", f"{settings.uploads_location}/{job_id}/input",
        "--output", f"{settings.results_location}/{job_id}",
        f"--request-id={REQUEST_ID}",
    ]  # fmt: skip
    ran = run_as_batch(commands["Annotate"], settings)
    assert ran.returncode == 0, ran.stderr
    # The Batch job's log lines are JSON with the id of the request that submitted the job.
    logged = with_request_id(json_lines(ran.stdout, "run-job's output"), REQUEST_ID)
    assert any(f"job {job_id}: succeeded" in entry["message"] for entry in logged), ran.stdout
    job = api.get(f"/jobs/{job_id}", headers=bearer("aws")).json()
    assert (job["status"], job["summary"]["rows"]) == ("succeeded", 2)
    redirect = api.get(f"/jobs/{job_id}/result", headers=bearer("aws"), follow_redirects=False)
    assert redirect.status_code == 307
    assert "in_app" in httpx.get(redirect.headers["location"]).text
    # A catch that comes late cannot undo the success.
    assert run_as_batch(commands["RecordFailure"], settings).returncode == 0
    assert api.get(f"/jobs/{job_id}", headers=bearer("aws")).json()["status"] == "succeeded"


def test_the_catch_records_the_failure_on_the_job(aws_api):
    settings, api = aws_api
    job_id, commands = started(settings, api)
    record = commands["RecordFailure"]
    assert record[:6] == ["annotator", "fail-job", "--job-id", job_id, "--error", record[5]]
    assert record[-1] == f"--request-id={REQUEST_ID}"
    assert api.get(f"/jobs/{job_id}", headers=bearer("aws")).json()["status"] == "queued"
    ran = run_as_batch(record, settings)
    assert ran.returncode == 0, ran.stderr
    job = api.get(f"/jobs/{job_id}", headers=bearer("aws")).json()
    assert job["status"] == "failed"
    assert job["error"]["message"].startswith(f"the AWS Batch job failed ({record[5]})")
    assert "\n" not in job["error"]["message"]


def test_run_job_refuses_bad_input_with_a_one_line_reason(aws_api):
    settings, api = aws_api
    job_id, commands = started(settings, api, BED + b"chr21\t1\t2\t\xff\n")
    ran = run_as_batch(commands["Annotate"], settings)
    assert ran.returncode == 2
    assert (
        ran.stderr.strip().splitlines()[-1]
        == f"annotator: job {job_id} failed: line 3 is not UTF-8 text (line 3)"
    )
