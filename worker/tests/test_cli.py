"""`annotator`'s commands as a user (or AWS Batch) meets them: one-line errors, exit codes."""

import json
import subprocess

from annotator.cli import batch_failure_reason
from worker.tests.workers import ANNOTATOR, environment, worker_settings


def test_a_batch_failure_becomes_one_line():
    cause = json.dumps(
        {
            "StatusReason": "Essential container in task exited",
            "Container": {
                "ExitCode": 137,
                "Reason": "OutOfMemoryError: Container killed due to memory usage",
            },
        }
    )
    assert batch_failure_reason("States.TaskFailed", cause) == (
        "the AWS Batch job failed (States.TaskFailed): Essential container in task exited; "
        "OutOfMemoryError: Container killed due to memory usage; exit code 137"
    )
    assert batch_failure_reason("States.Timeout", "took\ntoo long") == (
        "the AWS Batch job failed (States.Timeout): took too long"
    )
    assert len(batch_failure_reason("E", "x" * 10_000)) == 500


def run(settings, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ANNOTATOR, *args], env=environment(settings, **env), capture_output=True, text=True, timeout=60
    )


def test_run_job_of_a_job_not_in_the_database_runs_nothing_and_fails_nothing(postgres_url, tmp_path):
    """A job its owner deleted before its Batch job ran: exit 0, so the execution is no failure."""
    settings = worker_settings(postgres_url, tmp_path)
    ran = run(
        settings, "run-job", "--job-id", "nope", "--input", f"{tmp_path}/x", "--output", f"{tmp_path}/y"
    )
    assert ran.returncode == 0
    assert ran.stderr.strip().splitlines()[-1] == (
        "annotator: job nope is not in the database (deleted by its owner, or never created): nothing kept"
    )


def test_a_location_that_names_nothing_exits_1(postgres_url, tmp_path):
    settings = worker_settings(postgres_url, tmp_path)
    ran = run(
        settings, "run-job", "--job-id", "j", "--input", "s3://bucket-only", "--output", f"{tmp_path}/y"
    )
    assert ran.returncode == 1
    assert "names no object" in ran.stderr


def test_a_bad_setting_is_one_line(postgres_url, tmp_path):
    settings = worker_settings(postgres_url, tmp_path)
    ran = run(settings, "fail-job", "--job-id", "j", "--error", "E", JOB_TIME_LIMIT_SECONDS="soon")
    assert ran.returncode == 1
    assert ran.stderr.startswith("annotator: setting job_time_limit_seconds: Input should be a valid")
    assert "\n" not in ran.stderr.strip()
