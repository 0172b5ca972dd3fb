"""Retention of the jobs' files and records, as the buckets' lifecycle rules keep objects
(terraform-bootstrap/s3.tf): a finished job's upload goes after UPLOAD_RETENTION_DAYS, the job
itself with its results after RESULT_RETENTION_DAYS. In S3 the lifecycle rules remove the
objects too (deleting one already gone is no error); the records only this removes. Jobs still
queued or running are never touched."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from chr21_common.jobs.services import JobServices

# Jobs handled per query: a first run over years of jobs proceeds in bounded steps.
BATCH = 500


@dataclass(frozen=True)
class Expired:
    uploads: int
    jobs: int


def expire(services: JobServices, at: datetime) -> Expired:
    settings, store = services.settings, services.jobs
    jobs = 0
    cutoff = at - timedelta(days=settings.result_retention_days)
    while batch := store.finished_before(cutoff, BATCH):
        for job in batch:
            services.uploads.delete_prefix(job.id)
            services.results.delete_prefix(job.id)
            store.delete(job.id, job.owner)
            jobs += 1
    uploads = 0
    cutoff = at - timedelta(days=settings.upload_retention_days)
    while batch := store.finished_before(cutoff, BATCH, uploads_only=True):
        for job in batch:
            services.uploads.delete_prefix(job.id)
            store.upload_removed(job.id)
            uploads += 1
    return Expired(uploads, jobs)
