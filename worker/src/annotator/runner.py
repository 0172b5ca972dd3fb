"""Running one job, the same way under every runner (the Celery task, `annotator run-job` in
AWS Batch): start it in the job records, fetch the upload, annotate, store the results, and
record the outcome.

- Idempotent: a job already finished is left alone; a re-run (a re-delivered task, a Batch
  retry) writes the same files under the same keys, each whole (storage.py), and the job is
  marked succeeded only after all of them are stored, once (state.py's conditional updates).
- Bad input fails the job with the reason and the offending line; it is not retried.
- A transient error (storage, database, catalogue not seeded yet) hands the job back (queued)
  and raises `Transient`, for the runner to retry later.
- The work folder failing (full, unwritable) fails the job with the reason; it is never left
  running.
- While it runs, a heartbeat says so (state.py, recovery.py); a run that was given up on (its
  heartbeat stale, the job started again) stops at its next progress report and records nothing.
"""

import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from annotator import faults
from annotator.genes import CatalogueNotLoaded, GeneSource
from annotator.inputs import InputError
from annotator.metrics import RECORDS, REFUSED
from annotator.outputs import ResultBound
from annotator.pipeline import annotate_file
from chr21_common.jobs.services import JobServices
from chr21_common.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE, result_key, upload_key
from chr21_common.jobs.storage import NotStored, Storage, StorageUnavailable

log = logging.getLogger("annotator.runner")
# Progress is written to the database at most this often.
PROGRESS_EVERY_SECONDS = 1.0
TRANSIENT = (StorageUnavailable, OperationalError, CatalogueNotLoaded)


class Transient(RuntimeError):
    """Worth retrying later; the job was handed back (queued)."""


class Deleted(Exception):
    """The job's record is gone (DELETE /jobs/{id}): the run stops and keeps nothing."""


class Superseded(Exception):
    """The job is no longer this run's (given up on and started again, or finished by another
    run): it stops and records nothing."""


class PastTimeLimit(Exception):
    """Raised in the job's process at its soft time limit (annotator.job_process)."""


@dataclass(frozen=True)
class Place:
    """An object in a storage: the upload, or (as a key prefix) a job's results folder."""

    storage: Storage
    key: str


def celery_places(services: JobServices, job_id: str) -> tuple[Place, Place]:
    return Place(services.uploads, upload_key(job_id)), Place(services.results, job_id)


def run_job(
    job_id: str,
    services: JobServices,
    genes: GeneSource,
    source: Place,
    target: Place,
    work: str = "",
    take_over: bool = False,
) -> str:
    """Run the job; its final status ('succeeded', 'failed'), 'skipped' when another run
    has it (or its record is gone), or 'deleted' when it was deleted while it ran. With
    `take_over` (AWS Batch, whose retry of a job means its previous attempt ended), a job found
    running is started again whatever its heartbeat says. Raises Transient when it should be
    retried."""
    jobs = services.jobs
    settings = services.settings
    stale_after = timedelta(0) if take_over else timedelta(seconds=settings.job_stale_after_seconds)
    start = jobs.start(job_id, stale_after)
    if not start.run:
        if start.job and start.job.status in ("succeeded", "failed"):
            return start.job.status
        log.info("job %s: %s; nothing to do", job_id, "running elsewhere" if start.job else "not found")
        return "skipped"
    attempt = start.job.attempts
    try:
        with (
            _heartbeat(services, job_id, attempt),
            tempfile.TemporaryDirectory(dir=work or None, prefix=f"job-{job_id}-") as folder,
        ):
            return _annotate(job_id, attempt, services, genes.current(), source, target, Path(folder))
    except TRANSIENT as error:
        log.warning("job %s: transient error, handed back for a retry: %s", job_id, error)
        jobs.requeue(job_id, attempt)
        raise Transient(str(error)) from error
    except Superseded:
        log.info("job %s: no longer this run's (attempt %s); stopped", job_id, attempt)
        return "skipped"
    except PastTimeLimit:
        limit = settings.job_soft_time_limit_seconds
        jobs.fail(job_id, f"the job ran past its time limit ({limit} s)", attempt=attempt)
        return "failed"
    except OSError as error:
        # The work folder full (a result larger than its disk) or unwritable: running the job
        # again would fail the same way, so it fails now with why, rather than stay running.
        log.exception("job %s: its files could not be written", job_id)
        reason = f"the worker could not write the job's files: {error.strerror or error}"
        jobs.fail(job_id, reason, attempt=attempt)
        return "failed"


@contextmanager
def _heartbeat(services: JobServices, job_id: str, attempt: int) -> Iterator[None]:
    """Say the run is alive every JOB_HEARTBEAT_SECONDS while it runs (in a thread, so that a
    long download or upload keeps it alive too)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(services.settings.job_heartbeat_seconds):
            try:
                if not services.jobs.heartbeat(job_id, attempt):
                    return  # the job moved on: the run finds out at its next report
            except SQLAlchemyError as error:  # the database away for a moment: next beat
                log.warning("job %s: heartbeat not recorded: %s", job_id, error)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _annotate(
    job_id: str, attempt: int, services: JobServices, genes, source: Place, target: Place, folder: Path
) -> str:
    jobs = services.jobs
    input_path = folder / "input"
    try:
        source.storage.get_file(source.key, input_path)
    except NotStored:
        jobs.fail(job_id, "the upload is missing from storage", attempt=attempt)
        return "failed"
    results = folder / "results"
    results.mkdir()
    last = [0.0]

    def progress(fraction: float) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = time.monotonic()
            if not jobs.progress(job_id, int(fraction * 100), attempt):
                raise Deleted(job_id) if jobs.get(job_id) is None else Superseded(job_id)

    faults.point("running", job_id)

    settings = services.settings
    bound = ResultBound(
        input_path.stat().st_size, settings.result_bytes_per_input_byte, settings.result_bytes_floor
    )
    try:
        summary = annotate_file(input_path, results, genes, progress, bound)
    except InputError as error:
        log.info("job %s: input refused: %s", job_id, error)
        jobs.fail(job_id, str(error), error.line, attempt)
        REFUSED.inc()
        return "failed"
    except Deleted:
        log.info("job %s: deleted while running; stopped", job_id)
        return "deleted"
    names = (*RESULT_FILES.values(), SUMMARY_FILE, PLOT_FILE)
    result_bytes = sum((results / name).stat().st_size for name in names)
    for name in names:
        target.storage.put_file(result_key(target.key, name), results / name, move=True)
    faults.point("stored", job_id)
    if not jobs.succeed(job_id, summary, result_bytes, attempt):
        if jobs.get(job_id) is not None:
            # Another run of it finished it (with the same files, under the same keys).
            raise Superseded(job_id)
        # Deleted while its results were being stored: what this run stored goes too.
        target.storage.delete_prefix(target.key)
        log.info("job %s: deleted while running; its results removed", job_id)
        return "deleted"
    RECORDS.inc(summary["records_read"])
    log.info("job %s: succeeded, %s records, %s rows", job_id, summary["records_read"], summary["rows"])
    faults.point("recorded", job_id)
    return "succeeded"
