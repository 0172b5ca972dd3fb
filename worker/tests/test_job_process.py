"""A job's own process (annotator/job_process.py), as the worker's task thread runs it: the
soft time limit fails the job from inside, the hard time limit and the memory bound kill the
process and fail the job, each saying so. (A process killed without a word: test_no_job_lost.py.)"""

import gzip
import io

from annotator import job_process

# Three million identical intervals, 50 KB gzipped: many seconds of work, whatever the machine.
LINES = 3_000_000


def endless_upload() -> bytes:
    block = b"chr21\t25880535\t25880600\tr\n" * 100_000
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as archive:
        for _ in range(LINES // 100_000):
            archive.write(block)
    return buffer.getvalue()


def submitted(stack, content: bytes) -> str:
    response = stack.submit("long.bed.gz", content, user="limits")
    assert response.status_code == 202, response.text
    return response.json()["id"]


def run(stack, job_id: str, **limits) -> job_process.Ended:
    settings = stack.settings.model_copy(update=limits)
    return job_process.run(settings, stack.services.jobs, job_id, "limits-test", slot=0)


def test_the_soft_time_limit_fails_the_job_from_inside(stack):
    job_id = submitted(stack, endless_upload())
    assert run(stack, job_id, job_soft_time_limit_seconds=1) == job_process.Ended("failed")
    job = stack.job(job_id, user="limits")
    assert job["error"]["message"] == "the job ran past its time limit (1 s)"


def test_the_hard_time_limit_kills_the_process_and_fails_the_job(stack):
    job_id = submitted(stack, endless_upload())
    ended = run(stack, job_id, job_soft_time_limit_seconds=3600, job_time_limit_seconds=2)
    assert ended.outcome == "failed"
    assert (
        stack.job(job_id, user="limits")["error"]["message"] == "the job ran past its hard time limit (2 s)"
    )


def test_a_process_holding_more_than_the_memory_bound_is_killed_and_its_job_failed(stack):
    job_id = submitted(stack, endless_upload())
    # A forked process holds at once what the fork server had loaded: more than 64 MB.
    assert run(stack, job_id, worker_max_memory_mb=64).outcome == "failed"
    message = stack.job(job_id, user="limits")["error"]["message"]
    assert message == "the job needed more memory than a job may use (64 MB)"
