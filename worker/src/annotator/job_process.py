"""Each job in a process of its own: the Celery task (a thread of the worker's main process)
starts one for it and waits.

Why not Celery's prefork pool: a pool child killed between two jobs (the OOM killer, say) could
take the next job with it, handed over but never started, holding the worker's only prefetch
slot for good (issue 23). Here the main process only receives, waits and acknowledges; whatever
kills a job's process, the thread that started it sees how it ended:

- exit 0 (succeeded, failed with a reason, deleted, or another run has it): the job's record says;
- exit 75 (EX_TEMPFAIL): a transient error, the job handed back (queued): retried later;
- killed, or any other exit: the run is lost (`JobStore.lost`): queued again for another
  attempt, or failed past MAX_ATTEMPTS;
- past JOB_TIME_LIMIT_SECONDS, or holding more than WORKER_MAX_MEMORY_MB: killed, and the job
  failed saying so. (The soft limit, JOB_SOFT_TIME_LIMIT_SECONDS, is the job process's own
  alarm: runner.PastTimeLimit.)

Job processes are forked from multiprocessing's fork server, a process of the worker's that has
imported the pipeline once: a job starts in milliseconds, with nothing of the previous job's.
A job's process watches its worker through the pipe multiprocessing keeps for that purpose
(`parent_process().sentinel`): when the worker's main process dies, however it dies, the job's
process kills itself, so no run outlives the worker that would acknowledge it.
"""

import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from annotator.cli import EXIT_TRANSIENT
from annotator.config import WorkerSettings
from chr21_common.jobs.state import JobStore

log = logging.getLogger("annotator.job_process")
# How often a worker looks at its running jobs' processes (time and memory limits).
CHECK_EVERY_SECONDS = 1.0
FORK_SERVER = multiprocessing.get_context("forkserver")
# multiprocessing's folder (pymp-*) and socket (listener-*) names take up to about 40 bytes.
LONGEST_SOCKET_FOLDER = 60


@dataclass(frozen=True)
class Ended:
    """How a job's process ended: `outcome` is the job's status, 'deleted', 'skipped',
    'transient' (retry later) or 'lost' (its process died; the job was queued again, and
    fails for good past MAX_ATTEMPTS in `JobStore.lost`)."""

    outcome: str
    detail: str = ""


def start_fork_server() -> None:
    """Start the fork server now, with the pipeline imported (the worker, as it starts): the
    first job need not wait for it, and an import error shows at once."""
    FORK_SERVER.set_forkserver_preload(["annotator.job_child"])
    if len(tempfile.gettempdir()) > LONGEST_SOCKET_FOLDER:
        # The fork server listens on a Unix socket in a folder multiprocessing makes under
        # TMPDIR, and a socket's path may be at most 107 bytes: under a long TMPDIR (a test's
        # folder) every job would be refused, so that folder is made under /tmp instead.
        saved, tempfile.tempdir = tempfile.tempdir, "/tmp"  # noqa: S108 -- mkdtemp's own folder, 0700
        try:
            multiprocessing.util.get_temp_dir()
        finally:
            tempfile.tempdir = saved
    multiprocessing.forkserver.ensure_running()


def run(settings: WorkerSettings, jobs: JobStore, job_id: str, request_id: str, slot: int) -> Ended:
    """Run the job in a process of its own; `slot` (one of the worker's WORKER_CONCURRENCY) names
    the files its metrics go to (metrics.py)."""
    before = jobs.get(job_id)
    if before is None:
        return Ended("deleted")
    # The attempt this process will run, if it starts the job: what it may still fail or hand
    # back once it ended (never a later run's, started after this one was given up on).
    attempt = before.attempts + 1
    process = FORK_SERVER.Process(
        target=_job_entry, args=(settings, job_id, request_id, slot), name=f"job-{job_id}"
    )
    try:
        process.start()
    except OSError as error:  # the fork server gone, no file descriptors left
        log.warning("job %s: its process could not start: %s", job_id, error)
        return Ended("transient", f"its process could not start: {error}")
    pid = process.pid
    try:
        code, over = _wait(process, settings)
    finally:
        process.close()
    if over:
        jobs.fail(job_id, over, attempt=attempt)
        return Ended("failed", over)
    if code == EXIT_TRANSIENT:
        return Ended("transient")
    job = jobs.get(job_id)
    if job is None:
        return Ended("deleted")
    how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
    if job.status == "queued" and code != 0:
        # It died before starting the job (the database away as it began, say): retried as a
        # transient error, so that it fails for good after JOB_RETRIES.
        log.warning("job %s: its process ended before starting it: %s", job_id, how)
        return Ended("transient", how)
    if job.status != "running" or code == 0:
        return Ended(job.status if job.status in ("succeeded", "failed") else "skipped")
    log.warning("job %s: its process (pid %s) ended: %s", job_id, pid, how)
    moved = jobs.lost(job_id, attempt)
    if moved is None:
        return Ended("skipped", how)  # another run has it
    return Ended("lost" if moved == "queued" else moved, how)


def _wait(process: multiprocessing.Process, settings: WorkerSettings) -> tuple[int, str]:
    """Wait for the job's process; kill it past the hard time limit or the memory limit. Its
    exit code, and why it was killed (empty when it was not)."""
    deadline = time.monotonic() + settings.job_time_limit_seconds
    limit = settings.worker_max_memory_mb * 1024**2
    while True:
        process.join(CHECK_EVERY_SECONDS)
        if process.exitcode is not None:
            return process.exitcode, ""
        if time.monotonic() >= deadline:
            over = f"the job ran past its hard time limit ({settings.job_time_limit_seconds} s)"
        elif resident_bytes(process.pid) > limit:
            over = f"the job needed more memory than a job may use ({settings.worker_max_memory_mb} MB)"
        else:
            continue
        process.kill()
        process.join()
        return process.exitcode, over


def resident_bytes(pid: int) -> int:
    """The memory a process holds (its resident set); 0 where /proc cannot tell."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _job_entry(settings: WorkerSettings, job_id: str, request_id: str, slot: int) -> None:
    """A job's process: what job_child.py does (imported in the fork server, not in the worker)."""
    from annotator.job_child import main

    main(settings, job_id, request_id, slot)
