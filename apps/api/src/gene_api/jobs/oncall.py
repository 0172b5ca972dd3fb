"""`gene-api jobs`: on-call's view of the jobs table and its one fix (docs/runbooks/
stuck-or-failing-job.md): the jobs queued or running for too long, the latest failures with
their reasons, and failing a job whose runner is lost."""

import argparse
import uuid
from datetime import datetime, timedelta

from chr21_common.jobs.state import JobStore, as_utc
from chr21_common.models import Job

MAX_REASON = 500


class JobsCommandError(ValueError):
    """A job command given what it cannot act on; the message says why."""


def job_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a job id (a UUID)") from None


def seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 1 <= value <= 365 * 86400:
        raise argparse.ArgumentTypeError("between 1 second and a year")
    return value


def reason(text: str) -> str:
    text = " ".join(text.split())
    if not 1 <= len(text) <= MAX_REASON:
        raise argparse.ArgumentTypeError(f"a reason of 1 to {MAX_REASON} characters")
    return text


def _age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    minutes = int((now - as_utc(moment)).total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m"


def stuck_lines(store: JobStore, older_than: int, now: datetime) -> list[str]:
    jobs = store.stuck(timedelta(seconds=older_than), now)
    if not jobs:
        return [f"no job queued or running for over {older_than} s"]
    lines = ["job id                                status   for    attempts  owner"]
    for job in jobs:
        since = job.started_at if job.status == "running" else job.created_at
        lines.append(f"{job.id}  {job.status:<7}  {_age(since, now):>6}  {job.attempts:>8}  {job.owner}")
    return lines


def failed_lines(store: JobStore, since: int, limit: int, now: datetime) -> list[str]:
    jobs = store.failed_since(timedelta(seconds=since), limit, now)
    if not jobs:
        return [f"no job failed in the last {since} s"]
    lines = ["job id                                ago     owner  reason"]
    for job in jobs:
        where = f" (line {job.error_line})" if job.error_line else ""
        lines.append(
            f"{job.id}  {_age(job.finished_at, now):>6}  {job.owner}  {(job.error or '')[:160]}{where}"
        )
    return lines


def fail_line(store: JobStore, job: str, why: str) -> str:
    if store.fail(job, why):
        return f"job {job} failed: {why}"
    found: Job | None = store.get(job)
    if found is None:
        raise JobsCommandError(f"no job {job}")
    return f"job {job} was already {found.status}; left as it is"
