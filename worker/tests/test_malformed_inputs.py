"""The malformed-file corpus (malformed_corpus.py) through the jobs API and the runner: each
file is refused at the door with a clear 415, or becomes a job that ends failed with its
reason (and line) or succeeded with its invalid records counted. Never a 5xx, never a job left
queued or running, and an accepted upload is kept in the uploads storage, byte for byte."""

import pytest

from chr21_common.jobs.state import new_job_id, upload_key
from worker.tests.malformed_corpus import cases

CASES = cases()


def stored_job(stack, name: str, content: bytes, folder) -> str:
    """A job for `content` created without the API's checks."""
    job_id = new_job_id()
    path = folder / "upload"
    path.write_bytes(content)
    stack.services.uploads.put_file(upload_key(job_id), path)
    stack.services.jobs.create(job_id, "alice", name, "bed", len(content))
    return job_id


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "content", "outcome", "reason"), CASES, ids=[case[0] for case in CASES])
def test_each_malformed_file_ends_clearly(stack, name, content, outcome, reason, tmp_path):
    response = stack.submit(name, content)
    assert response.status_code < 500, response.text
    if outcome == "refused":
        assert response.status_code == 415, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert reason in response.json()["detail"]
        # Had it reached a runner anyway (a Batch job started by hand), the job fails the same way.
        job_id = stored_job(stack, name, content, tmp_path)
        assert stack.run(job_id) == "failed"
        assert reason in stack.job(job_id)["error"]["message"]
        return
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    assert stack.run(job_id) == outcome
    job = stack.job(job_id)
    assert job["status"] == outcome
    kept = stack.services.uploads.root / upload_key(job_id)
    assert kept.read_bytes() == content
    if outcome == "failed":
        assert reason in job["error"]["message"]
        assert "\n" not in job["error"]["message"]
    else:
        assert job["summary"]["invalid"] == reason
        assert len(job["summary"]["first_invalid"]) == min(reason, 10)
