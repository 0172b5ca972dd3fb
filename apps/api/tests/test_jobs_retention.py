"""Retention (gene_api/jobs/retention.py, `gene-api jobs expire`): a finished job's upload goes
after UPLOAD_RETENTION_DAYS and stops counting against its account's storage; the job with its
results after RESULT_RETENTION_DAYS; a job still queued or running is never touched."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from chr21_common.jobs.state import RESULT_FILES
from chr21_common.models import Job
from gene_api.cli import main
from gene_api.jobs.retention import Expired, expire
from gene_api.main import create_app
from tests.support.jobs import bearer, jobs_settings

BED = b"chr21\t25880535\t25880600\tin_app\n"


def finished_job(client, user: str, days_ago: float) -> str:
    """A job that succeeded `days_ago` days ago, with a result file."""
    services = client.app.state.job_services
    job_id = client.post("/jobs", headers=bearer(user), files={"file": ("a.bed", BED)}).json()["id"]
    services.jobs.start(job_id, timedelta(minutes=1))
    results = services.results.root / job_id
    results.mkdir(parents=True)
    (results / RESULT_FILES["tsv"]).write_text("#record\n")
    services.jobs.succeed(job_id, {"rows": 0}, result_bytes=8)
    jobs = Job.__table__
    with services.jobs.engine.begin() as connection:
        connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(finished_at=datetime.now(UTC) - timedelta(days=days_ago))
        )
    return job_id


def test_uploads_then_jobs_expire_and_queued_ones_stay(seeded_url, tmp_path):
    settings = jobs_settings(seeded_url, tmp_path, upload_retention_days=30, result_retention_days=90)
    with TestClient(create_app(settings)) as client:
        services = client.app.state.job_services
        user = "retention"
        recent = finished_job(client, user, days_ago=1)
        old_upload = finished_job(client, user, days_ago=31)
        expired = finished_job(client, user, days_ago=91)
        queued = client.post("/jobs", headers=bearer(user), files={"file": ("q.bed", BED)}).json()["id"]
        before = services.jobs.stored_bytes(user)

        assert expire(services, datetime.now(UTC)) == Expired(uploads=1, jobs=1)
        assert expire(services, datetime.now(UTC)) == Expired(uploads=0, jobs=0)  # nothing left

        uploads = services.uploads.root
        assert (uploads / recent).is_dir()
        assert (uploads / queued).is_dir()
        assert not (uploads / old_upload).exists()
        assert (services.results.root / old_upload / RESULT_FILES["tsv"]).is_file()  # results kept
        assert services.jobs.get(expired) is None
        assert not (uploads / expired).exists()
        assert not (services.results.root / expired).exists()
        assert client.get(f"/jobs/{old_upload}/result", headers=bearer(user)).status_code == 200
        # The removed upload and the expired job count no more.
        assert services.jobs.stored_bytes(user) == before - 2 * len(BED) - 8


def test_the_command_says_what_it_removed(seeded_url, tmp_path, monkeypatch, capsys):
    settings = jobs_settings(seeded_url, tmp_path, upload_retention_days=30, result_retention_days=90)
    with TestClient(create_app(settings)) as client:
        finished_job(client, "retention-cli", days_ago=91)
        finished_job(client, "retention-cli", days_ago=45)
    for name, value in settings.model_dump().items():
        if value is not None and not isinstance(value, dict):
            raw = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            monkeypatch.setenv(name.upper(), str(raw))
    from gene_api.core.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["jobs", "expire"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "expired 1 jobs (older than 90 days)" in out
    assert "1 uploads (older than 30 days)" in out
