"""A job through the jobs API and the runner (called in process, as the Celery task calls
it): upload, run, status, results in three formats and the picture; what a re-run, another
user, a transient storage fault and a runner that keeps dying do."""

import errno
import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update

from annotator import runner
from annotator.runner import Transient
from chr21_common.jobs.state import MAX_ATTEMPTS, PLOT_FILE, RESULT_FILES, SUMMARY_FILE
from chr21_common.jobs.storage import StorageUnavailable
from chr21_common.models import Job
from tests.support.jobs import bearer

BED = (
    b"track name=example\n"
    b"# APP overlaps; the second record lies in a gene desert; one on chr1; one invalid\n"
    b"chr21\t25880535\t25880600\tin_app\t0\t+\n"
    b"21\t10\t20\tfar_left\n"
    b"chr1\t100\t200\telsewhere\n"
    b"chr21\t500\t400\treversed\n"
)


def submitted(stack, content: bytes = BED, name: str = "example.bed", user: str = "alice") -> str:
    response = stack.submit(name, content, user)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/jobs/{response.json()['id']}"
    assert response.json()["status"] == "queued"
    return response.json()["id"]


def test_a_job_runs_and_serves_its_results_in_every_format(stack):
    job_id = submitted(stack)
    assert stack.result(job_id).status_code == 409  # not yet
    assert stack.run(job_id) == "succeeded"
    job = stack.job(job_id)
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None)
    summary = job["summary"]
    assert (summary["records_read"], summary["annotated"], summary["nearest_only"]) == (4, 1, 1)
    assert (summary["on_other_chromosomes"], summary["invalid"]) == (1, 1)
    assert summary["first_invalid"] == [{"line": 6, "reason": "start 500 is after end 400"}]
    assert summary["top_genes"][0]["gene_name"] == "APP"

    tsv = stack.result(job_id, "tsv")
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    rows = [line.split("\t") for line in tsv.text.splitlines() if not line.startswith("#")]
    assert [(row[3], row[-5], row[-2], row[-1]) for row in rows] == [
        ("in_app", "APP", "65", "0"),
        ("far_left", "", "0", "-5011779"),
    ]
    bed = stack.result(job_id, "bed").text.splitlines()
    assert [line.split("\t")[:6] for line in bed] == [
        ["chr21", "25880535", "25880600", "ENSG00000142192", "0", "-"],
        ["chr21", "10", "20", "ENSG00000279493", "0", "+"],
    ]
    records = json.loads(stack.result(job_id, "json").content)
    assert [(r["line"], r["gene_name"], r["overlap_bp"]) for r in records] == [(3, "APP", 65), (4, None, 0)]
    assert records[0]["record"] == ["chr21", "25880535", "25880600", "in_app", "0", "+"]
    plot = stack.client.get(f"/jobs/{job_id}/plot", headers=bearer())
    assert plot.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(plot.content).tag.endswith("svg")


def test_a_rerun_leaves_one_set_of_results_and_finishes_the_job_once(stack):
    job_id = submitted(stack)
    assert stack.run(job_id) == "succeeded"
    folder = stack.services.results.root / job_id
    first = {path.name: path.read_bytes() for path in folder.iterdir()}
    finished_at = stack.job(job_id)["finished_at"]
    # A re-delivered task finds the job finished: nothing is done again.
    assert stack.run(job_id) == "succeeded"
    assert stack.job(job_id)["finished_at"] == finished_at
    # A runner that died after storing the results but before recording success (its heartbeat
    # long stale): the next run writes the same bytes under the same keys, and records success once.
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    with stack.services.jobs.engine.begin() as connection:
        connection.execute(
            update(Job).where(Job.id == job_id).values(status="running", heartbeat_at=long_ago)
        )
    assert stack.run(job_id) == "succeeded"
    again = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert sorted(again) == sorted([*RESULT_FILES.values(), SUMMARY_FILE, PLOT_FILE])
    assert again == first
    assert stack.job(job_id)["attempts"] == 2


def test_another_users_job_is_not_found(stack):
    job_id = submitted(stack, user="alice")
    stack.run(job_id)
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/result", f"/jobs/{job_id}/plot"):
        response = stack.client.get(path, headers=bearer("mallory"))
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    assert job_id not in {
        job["id"] for job in stack.client.get("/jobs", headers=bearer("mallory")).json()["items"]
    }


def test_jobs_are_listed_newest_first_in_pages(stack):
    user = "lister"
    ids = [submitted(stack, user=user) for _ in range(3)]
    first = stack.client.get("/jobs", params={"page_size": 2}, headers=bearer(user)).json()
    second = stack.client.get("/jobs", params={"page_size": 2, "page": 2}, headers=bearer(user)).json()
    assert first["total"] == second["total"] == 3
    assert [job["id"] for job in first["items"] + second["items"]] == ids[::-1]


class FlakyStorage:
    """The uploads storage, failing its first `failures` downloads as S3 does when throttled."""

    def __init__(self, storage, failures: int) -> None:
        self.storage, self.failures = storage, failures

    def get_file(self, key, path):
        if self.failures:
            self.failures -= 1
            raise StorageUnavailable("S3 SlowDown: reduce your request rate")
        return self.storage.get_file(key, path)


def test_a_transient_storage_error_hands_the_job_back_for_a_retry(stack, monkeypatch):
    job_id = submitted(stack)
    monkeypatch.setattr(stack.services, "uploads", FlakyStorage(stack.services.uploads, failures=1))
    with pytest.raises(Transient, match="SlowDown"):
        stack.run(job_id)
    job = stack.job(job_id)
    assert (job["status"], job["attempts"]) == ("queued", 0)
    assert stack.run(job_id) == "succeeded"


def refused_runs() -> float:
    """annotator_jobs_refused_total in this process (the failure alert leaves these runs out)."""
    return REGISTRY.get_sample_value("annotator_jobs_refused_total") or 0.0


def test_a_job_that_fails_on_its_input_is_counted_as_refused(stack):
    before = refused_runs()
    job_id = submitted(stack, b"chr21\t1\t2\tok\nchr21\t1\t2\tcaf\xe9\n", "bad.bed")
    assert stack.run(job_id) == "failed"
    assert stack.job(job_id)["error"]["message"] == "line 2 is not UTF-8 text"
    assert refused_runs() == before + 1


def test_a_full_work_folder_fails_the_job_with_the_reason(stack, monkeypatch):
    job_id = submitted(stack)
    before = refused_runs()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(runner, "annotate_file", full_disk)
    assert stack.run(job_id) == "failed"
    job = stack.job(job_id)
    assert job["error"]["message"] == "the worker could not write the job's files: No space left on device"
    assert not any(stack.services.results.root.glob(f"{job_id}/*"))
    assert refused_runs() == before  # the platform's failure, not the user's


def test_a_job_whose_runner_keeps_dying_fails_instead_of_looping(stack):
    job_id = submitted(stack)
    with stack.services.jobs.engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE jobs SET status = 'running', attempts = {MAX_ATTEMPTS} WHERE id = '{job_id}'"
        )
    assert stack.run(job_id) == "failed"
    job = stack.job(job_id)
    assert job["status"] == "failed"
    assert f"stopped {MAX_ATTEMPTS} times" in job["error"]["message"]


# Intervals each spanning the chromosome: every one overlaps all 1,134 genes, so a few
# kilobytes of input ask for megabytes of rows.
SPANNING = b"".join(b"chr21\t0\t46709983\tr%d\n" % n for n in range(200))


def test_results_past_the_files_bound_fail_the_job_saying_so_and_keep_nothing(stack, monkeypatch):
    """The reported case: 34 KB of such intervals wrote 620 MB. The bound is
    RESULT_BYTES_PER_INPUT_BYTE times the input, at least RESULT_BYTES_FLOOR (set low here)."""
    monkeypatch.setattr(
        stack.services,
        "settings",
        stack.services.settings.model_copy(
            update={"result_bytes_floor": 1024**2, "result_bytes_per_input_byte": 10}
        ),
    )
    before = refused_runs()
    job_id = submitted(stack, SPANNING, "spanning.bed")
    assert stack.run(job_id) == "failed"
    message = stack.job(job_id)["error"]["message"]
    assert message.startswith("the results would pass 1 MiB, the most a job of this file's size may write")
    assert "split the file or narrow the intervals" in message
    assert not any(stack.services.results.root.glob(f"{job_id}/*"))
    assert refused_runs() == before + 1  # the input's doing, not the platform's


def test_a_succeeded_job_counts_its_results_bytes_for_the_accounts_storage(stack):
    job_id = submitted(stack, user="result-bytes")
    assert stack.run(job_id) == "succeeded"
    kept = sum(p.stat().st_size for p in stack.services.results.root.glob(f"{job_id}/*"))
    assert stack.services.jobs.get(job_id).result_bytes == kept > 0
    assert stack.services.jobs.stored_bytes("result-bytes") == len(BED) + kept


def test_a_job_deleted_while_it_runs_stops_and_keeps_nothing(stack, monkeypatch):
    job_id = submitted(stack, user="deleter")
    monkeypatch.setattr(runner, "PROGRESS_EVERY_SECONDS", 0)
    real = runner.annotate_file

    def deleted_midway(input_path, folder, genes, progress=None, bound=None):
        # The owner's DELETE arrives as the first records are read.
        assert stack.client.delete(f"/jobs/{job_id}", headers=bearer("deleter")).status_code == 204
        return real(input_path, folder, genes, progress, bound)

    monkeypatch.setattr(runner, "annotate_file", deleted_midway)
    assert stack.run(job_id) == "deleted"
    assert stack.services.jobs.get(job_id) is None
    assert not any(stack.services.results.root.glob(f"{job_id}/*"))
    assert not any(stack.services.uploads.root.glob(f"{job_id}/*"))


def test_a_job_deleted_while_its_results_are_stored_leaves_none_of_them(stack, monkeypatch):
    job_id = submitted(stack, user="late-deleter")
    real_succeed = stack.services.jobs.succeed

    def deleted_first(job, summary, result_bytes=None, attempt=None):
        stack.services.jobs.delete(job, "late-deleter")
        return real_succeed(job, summary, result_bytes, attempt)

    monkeypatch.setattr(stack.services.jobs, "succeed", deleted_first)
    assert stack.run(job_id) == "deleted"
    assert not any(stack.services.results.root.glob(f"{job_id}/*"))


def test_a_queued_job_deleted_before_its_run_is_skipped(stack):
    job_id = submitted(stack, user="early-deleter")
    assert stack.client.delete(f"/jobs/{job_id}", headers=bearer("early-deleter")).status_code == 204
    assert stack.run(job_id) == "skipped"
