"""Job records in the API's database: the one place both runners (the Celery worker and the
AWS Batch job) report to, and the API reads from.

A job moves forward only: queued -> running -> succeeded | failed. Each transition is one
conditional UPDATE, so a re-delivered task, a second runner or a late retry cannot move a
finished job back or finish it twice: `start` tells the runner whether there is work to do.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, case, delete, func, literal, select, text, update

from chr21_common.models import Job

# A runner that died this many times on one job (killed, out of memory, past its hard time
# limit) fails it instead of trying again: a poison input must not loop forever.
MAX_ATTEMPTS = 3
UPLOAD_FILE = "input"
# What a job leaves in the results storage, under result_key(job id, file name): the annotation
# in each format, its summary and its picture (written by the worker, served by the API).
RESULT_FILES = {"tsv": "result.tsv", "bed": "result.bed", "json": "result.json"}
SUMMARY_FILE = "summary.json"
PLOT_FILE = "plot.svg"


def new_job_id() -> str:
    return str(uuid.uuid4())


def upload_key(job_id: str) -> str:
    """Where a job's upload is kept in the uploads storage: derived from the id alone."""
    return f"{job_id}/{UPLOAD_FILE}"


def result_key(job_id: str, file_name: str) -> str:
    """Where a job's result file is kept in the results storage: derived from the id alone."""
    return f"{job_id}/{file_name}"


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime: SQLite gives them back naive, all are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


IN_FLIGHT = ("queued", "running")


class TooManyInFlight(Exception):
    """The account has as many jobs queued or running as it may."""


@dataclass(frozen=True)
class Start:
    """What `JobStore.start` found: run the job, or leave it (finished, or failed for good)."""

    run: bool
    job: Job | None


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        job_id: str,
        owner: str,
        input_name: str,
        input_format: str,
        input_bytes: int,
        max_in_flight: int | None = None,
    ) -> Job:
        """A new queued job. With `max_in_flight`, only while the owner has fewer jobs queued or
        running (else TooManyInFlight): counted and inserted in one statement, under a lock of
        the owner's on PostgreSQL, so that concurrent uploads cannot all pass the count."""
        job = Job(
            id=job_id,
            owner=owner,
            status="queued",
            input_name=input_name,
            input_format=input_format,
            input_bytes=input_bytes,
            progress=0,
            attempts=0,
            created_at=now(),
            dispatched_at=now(),  # the API sends its message next (or fails the job)
        )
        table = Job.__table__
        with self.engine.begin() as connection:
            if max_in_flight is None:
                connection.execute(table.insert().values(**_columns(job)))
                return job
            if connection.dialect.name == "postgresql":
                # Held to the transaction's end; SQLite serialises every writer already.
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:owner))"), {"owner": owner})
            in_flight = _in_flight(owner).scalar_subquery()
            values = _columns(job)
            row = select(*(literal(value, table.c[name].type) for name, value in values.items())).where(
                in_flight < max_in_flight
            )
            # RETURNING: rowcount of an INSERT ... SELECT is not every driver's count of rows.
            inserted = connection.execute(
                table.insert().from_select(list(values), row).returning(table.c.id)
            ).first()
        if inserted is None:
            raise TooManyInFlight(owner)
        return job

    def in_flight(self, owner: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(_in_flight(owner)).scalar_one()

    def stored_bytes(self, owner: str) -> int:
        """What the owner's jobs keep: their uploads (until retention removes them) and results."""
        table = Job.__table__
        upload = case((table.c.upload_removed_at.is_(None), table.c.input_bytes), else_=0)
        query = select(func.coalesce(func.sum(upload + func.coalesce(table.c.result_bytes, 0)), 0))
        with self.engine.connect() as connection:
            return int(connection.execute(query.where(table.c.owner == owner)).scalar_one())

    def finished_before(self, moment: datetime, limit: int, uploads_only: bool = False) -> list[Job]:
        """Finished jobs (succeeded or failed) that finished before `moment`, the oldest first,
        at most `limit`; `uploads_only`: those whose upload is still kept."""
        table = Job.__table__
        query = select(*table.columns).where(
            table.c.status.in_(("succeeded", "failed")), table.c.finished_at < moment
        )
        if uploads_only:
            query = query.where(table.c.upload_removed_at.is_(None))
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(table.c.finished_at, table.c.id).limit(limit)).all()
        return [Job(**row._mapping) for row in rows]

    def upload_removed(self, job_id: str) -> None:
        table = Job.__table__
        with self.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == job_id).values(upload_removed_at=now()))

    def delete(self, job_id: str, owner: str) -> bool:
        """The owner's job record gone (its runner's later updates then change nothing)."""
        table = Job.__table__
        with self.engine.begin() as connection:
            return (
                connection.execute(delete(table).where(table.c.id == job_id, table.c.owner == owner)).rowcount
                == 1
            )

    def get(self, job_id: str, owner: str | None = None) -> Job | None:
        table = Job.__table__
        query = select(*table.columns).where(table.c.id == job_id)
        if owner is not None:
            query = query.where(table.c.owner == owner)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return Job(**row._mapping) if row else None

    def page(self, owner: str, page: int, page_size: int) -> tuple[int, list[Job]]:
        table = Job.__table__
        with self.engine.connect() as connection:
            total = connection.execute(
                select(func.count()).select_from(table).where(table.c.owner == owner)
            ).scalar()
            rows = connection.execute(
                select(*table.columns)
                .where(table.c.owner == owner)
                .order_by(table.c.created_at.desc(), table.c.id)
                .limit(page_size)
                .offset((page - 1) * page_size)
            ).all()
        return total, [Job(**row._mapping) for row in rows]

    def stuck(self, older_than: timedelta, at: datetime) -> list[Job]:
        """Jobs queued, or running, for longer than `older_than` at `at`, the oldest first."""
        table = Job.__table__
        since = at - older_than
        query = (
            select(*table.columns)
            .where(
                ((table.c.status == "queued") & (table.c.created_at < since))
                | ((table.c.status == "running") & (table.c.started_at < since))
            )
            .order_by(table.c.created_at, table.c.id)
        )
        with self.engine.connect() as connection:
            return [Job(**row._mapping) for row in connection.execute(query)]

    def failed_since(self, since: timedelta, limit: int, at: datetime) -> list[Job]:
        """Jobs that failed within `since` before `at`, the latest first, at most `limit`."""
        table = Job.__table__
        query = (
            select(*table.columns)
            .where(table.c.status == "failed", table.c.finished_at >= at - since)
            .order_by(table.c.finished_at.desc(), table.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [Job(**row._mapping) for row in connection.execute(query)]

    def _update(self, job_id: str, statuses: tuple[str, ...], attempt: int | None = None, **values) -> bool:
        """One conditional UPDATE: only while the job is in one of `statuses` and, given
        `attempt`, still in that attempt (a run that was given up on cannot write any more)."""
        table = Job.__table__
        query = update(table).where(table.c.id == job_id, table.c.status.in_(statuses))
        if attempt is not None:
            query = query.where(table.c.attempts == attempt)
        with self.engine.begin() as connection:
            result = connection.execute(query.values(**values))
        return result.rowcount == 1

    def start(self, job_id: str, stale_after: timedelta) -> Start:
        """Mark the job running (one more attempt; `Start.job.attempts` is this run's) when it
        is queued, or running with no heartbeat for `stale_after` (its runner died without a
        word); past MAX_ATTEMPTS, fail it instead. A job running with a fresh heartbeat is left
        to its run: a second message for it (recovery.py's, a broker's redelivery) does nothing."""
        job = self.get(job_id)
        if job is None or job.status in ("succeeded", "failed"):
            return Start(False, job)
        if job.status == "running":
            seen = as_utc(job.heartbeat_at or job.started_at)
            if seen is not None and seen > now() - stale_after:
                return Start(False, job)
            if self.lost(job_id, job.attempts) != "queued":
                return Start(False, self.get(job_id))
        table = Job.__table__
        started = self._update(
            job_id,
            ("queued",),
            job.attempts,
            status="running",
            attempts=table.c.attempts + 1,
            started_at=now(),
            heartbeat_at=now(),
            progress=0,
        )
        return Start(started, self.get(job_id))

    def heartbeat(self, job_id: str, attempt: int) -> bool:
        """The run of `attempt` is alive; False when it no longer owns the job (finished,
        deleted, or given up on and started again)."""
        return self._update(job_id, ("running",), attempt, heartbeat_at=now())

    def lost(self, job_id: str, attempt: int) -> str | None:
        """The process running `attempt` died (killed, out of memory): the job is queued again
        for another attempt (the caller sends its message again), or failed once MAX_ATTEMPTS
        runs died (a poison input must not loop forever). The status it was given: 'queued' or
        'failed'; None when the job had moved on."""
        if attempt >= MAX_ATTEMPTS:
            failed = self._update(
                job_id,
                ("running",),
                attempt,
                status="failed",
                finished_at=now(),
                error=f"the worker stopped {attempt} times while running this job "
                "(killed, out of memory or past its time limit); not retried again",
            )
            return "failed" if failed else None
        queued = self._update(
            job_id, ("running",), attempt, status="queued", heartbeat_at=None, dispatched_at=now(), progress=0
        )
        return "queued" if queued else None

    def stalled(self, at: datetime, queued_for: timedelta, stale_after: timedelta, limit: int) -> list[Job]:
        """Jobs whose message may be lost: queued with no message sent for `queued_for`, or
        running with no heartbeat for `stale_after` (at `at`); the oldest first, at most `limit`."""
        table = Job.__table__
        query = (
            select(*table.columns)
            .where(
                (table.c.status == "queued")
                & (func.coalesce(table.c.dispatched_at, table.c.created_at) < at - queued_for)
                # A run without a heartbeat is a previous release's, which never beats (during a
                # rollout): left to its broker's redelivery, as it was before.
                | (table.c.status == "running")
                & table.c.heartbeat_at.is_not(None)
                & (table.c.heartbeat_at < at - stale_after)
            )
            .order_by(table.c.created_at, table.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [Job(**row._mapping) for row in connection.execute(query)]

    def dispatched(self, job_id: str) -> bool:
        """A message for the queued job was sent (again) just now."""
        return self._update(job_id, ("queued",), dispatched_at=now())

    def requeue(self, job_id: str, attempt: int | None = None) -> bool:
        """Hand a running job back after a transient error: it is retried, and this start
        does not count against MAX_ATTEMPTS (it did not die)."""
        table = Job.__table__
        return self._update(
            job_id,
            ("running",),
            attempt,
            status="queued",
            attempts=table.c.attempts - 1,
            progress=0,
            heartbeat_at=None,
            dispatched_at=now(),
        )

    def progress(self, job_id: str, percent: int, attempt: int | None = None) -> bool:
        """False when the job is no longer running (deleted, or finished by another run)."""
        percent = max(0, min(99, percent))
        return self._update(job_id, ("running",), attempt, progress=percent, heartbeat_at=now())

    def succeed(
        self, job_id: str, summary: dict, result_bytes: int | None = None, attempt: int | None = None
    ) -> bool:
        return self._update(
            job_id,
            ("running",),
            attempt,
            status="succeeded",
            progress=100,
            finished_at=now(),
            summary=summary,
            result_bytes=result_bytes,
        )

    def fail(self, job_id: str, error: str, line: int | None = None, attempt: int | None = None) -> bool:
        """Given `attempt`, only while the job is still that run's (or queued after it)."""
        return self._update(
            job_id,
            IN_FLIGHT,
            attempt,
            status="failed",
            finished_at=now(),
            error=error[:2000],
            error_line=line,
        )


def _in_flight(owner: str):
    """How many of the owner's jobs are queued or running (a query)."""
    table = Job.__table__
    return (
        select(func.count()).select_from(table).where(table.c.owner == owner, table.c.status.in_(IN_FLIGHT))
    )


def _columns(job: Job) -> dict:
    return {column.name: getattr(job, column.name) for column in Job.__table__.columns}
