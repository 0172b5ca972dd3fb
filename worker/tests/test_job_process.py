"""A job's own process (annotator/job_process.py), as the worker's task thread runs it: the
soft time limit fails the job from inside, the hard time limit and the memory bound kill the
process and fail the job, each saying so. (A process killed without a word: test_no_job_lost.py.)"""

import pytest

from annotator import job_process


@pytest.fixture(scope="module")
def long_upload() -> bytes:
    """A million and a half intervals (39 MB): several seconds of work, well past the limits
    the tests set (plain text: a gzip of repeated lines would be refused as a gzip bomb)."""
    return b"".join(b"chr21\t%d\t%d\tr\n" % (s, s + 100) for s in range(5_000_000, 45_000_000, 26))


@pytest.fixture(scope="module", autouse=True)
def fork_server() -> None:
    """The worker's fork server, the pipeline imported, as `annotator worker` starts it."""
    job_process.start_fork_server()


def submitted(stack, content: bytes) -> str:
    response = stack.submit("long.bed", content, user="limits")
    assert response.status_code == 202, response.text
    return response.json()["id"]


def run(stack, job_id: str, **limits) -> job_process.Ended:
    settings = stack.settings.model_copy(update=limits)
    return job_process.run(settings, stack.services.jobs, job_id, "limits-test", slot=0)


def test_the_soft_time_limit_fails_the_job_from_inside(stack, long_upload):
    job_id = submitted(stack, long_upload)
    assert run(stack, job_id, job_soft_time_limit_seconds=1) == job_process.Ended("failed")
    job = stack.job(job_id, user="limits")
    assert job["error"]["message"] == "the job ran past its time limit (1 s)"


def test_the_hard_time_limit_kills_the_process_and_fails_the_job(stack, long_upload):
    job_id = submitted(stack, long_upload)
    ended = run(stack, job_id, job_soft_time_limit_seconds=3600, job_time_limit_seconds=2)
    assert ended.outcome == "failed"
    job = stack.job(job_id, user="limits")
    assert job["error"]["message"] == "the job ran past its hard time limit (2 s)"
    assert job["attempts"] == 1  # the run it killed had started


def test_a_process_holding_more_than_the_memory_bound_is_killed_and_its_job_failed(stack, long_upload):
    job_id = submitted(stack, long_upload)
    # A forked process holds at once what the fork server had loaded: more than 64 MB.
    assert run(stack, job_id, worker_max_memory_mb=64).outcome == "failed"
    message = stack.job(job_id, user="limits")["error"]["message"]
    assert message == "the job needed more memory than a job may use (64 MB)"
