"""What one account may cost, and its way out: at most MAX_JOBS_IN_FLIGHT jobs queued or running
(429 past it, whatever the concurrency: 50 uploads at once get 4 jobs), at most MAX_STORED_BYTES
kept (409), and DELETE /jobs/{id}, which removes a job and its files. A refused upload leaves
nothing behind."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from gene_api.main import create_app
from tests.support.jobs import bearer, jobs_settings

BED = b"chr21\t25880535\t25880600\tin_app\n"


def app_with(seeded_url, tmp_path, **limits) -> TestClient:
    return TestClient(create_app(jobs_settings(seeded_url, tmp_path, **limits)))


def submit(client, content: bytes = BED, user: str = "alice"):
    return client.post("/jobs", headers=bearer(user), files={"file": ("a.bed", content)})


def kept_files(client) -> list:
    """The uploads kept; a refused one leaves nothing, staging included."""
    root = client.app.state.job_services.uploads.root
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert not [p for p in files if ".staging" in p.parts], files
    return files


def test_jobs_in_flight_are_bounded_and_a_finished_one_makes_room(seeded_url, tmp_path):
    with app_with(seeded_url, tmp_path, max_jobs_in_flight=2) as client:
        user = "limits-in-flight"
        first, second = submit(client, user=user), submit(client, user=user)
        assert (first.status_code, second.status_code) == (202, 202)
        refused = submit(client, user=user)
        assert refused.status_code == 429
        assert "you have 2 jobs queued or running" in refused.json()["detail"]
        assert refused.headers["Retry-After"]
        assert submit(client, user="someone-else").status_code == 202  # per account
        client.app.state.job_services.jobs.fail(first.json()["id"], "done with")
        assert submit(client, user=user).status_code == 202


def test_fifty_concurrent_uploads_get_the_limits_jobs_and_leave_nothing_else(seeded_url, tmp_path):
    with app_with(seeded_url, tmp_path, max_jobs_in_flight=4) as client:
        user = "limits-fifty"
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda _: submit(client, BED * 2000, user=user), range(50)))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [202] * 4 + [429] * 46
        accepted = {a.json()["id"] for a in answers if a.status_code == 202}
        assert {p.parent.name for p in kept_files(client)} == accepted


def test_an_upload_past_the_accounts_storage_is_refused_and_kept_nowhere(seeded_url, tmp_path):
    mib = 1024**2
    with app_with(seeded_url, tmp_path, max_stored_bytes=mib, max_upload_bytes=mib) as client:
        user = "limits-storage"
        line = b"chr21\t1\t2\t" + b"x" * 990 + b"\n"
        big = line * (600 * 1024 // len(line))
        kept = submit(client, big, user=user)
        assert kept.status_code == 202
        refused = submit(client, big, user=user)
        assert refused.status_code == 409
        assert "past the 1,048,576 an account may keep" in refused.json()["detail"]
        assert [p.parent.name for p in kept_files(client)] == [kept.json()["id"]]
        # Deleting the job makes room.
        assert client.delete(f"/jobs/{kept.json()['id']}", headers=bearer(user)).status_code == 204
        assert submit(client, big, user=user).status_code == 202


def test_delete_removes_the_job_and_its_files_and_only_the_owners(seeded_url, tmp_path):
    with app_with(seeded_url, tmp_path) as client:
        job = submit(client, user="limits-delete").json()
        assert kept_files(client)
        assert client.delete(f"/jobs/{job['id']}", headers=bearer("mallory")).status_code == 404
        assert client.get(f"/jobs/{job['id']}", headers=bearer("limits-delete")).status_code == 200
        answer = client.delete(f"/jobs/{job['id']}", headers=bearer("limits-delete"))
        assert answer.status_code == 204
        assert answer.content == b""
        assert client.get(f"/jobs/{job['id']}", headers=bearer("limits-delete")).status_code == 404
        assert client.delete(f"/jobs/{job['id']}", headers=bearer("limits-delete")).status_code == 404
        assert kept_files(client) == []


@pytest.mark.parametrize("job_id", [".", "..", "x" * 65])
def test_delete_of_what_is_no_job_is_a_4xx(client, job_id):
    answer = client.delete(f"/jobs/{job_id.replace('.', '%2E')}", headers=bearer())
    assert 400 <= answer.status_code < 500
