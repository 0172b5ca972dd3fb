"""No job lost or stuck, from the job records (chr21_common/jobs/state.py,
gene_api/jobs/recovery.py), on SQLite and PostgreSQL: a run owns its job while its heartbeat
is fresh and not a moment after it went stale; a run given up on can record nothing;
`gene-api jobs recover` hands back the silent running jobs and sends again the jobs queued too
long, and nothing else."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from chr21_common.db import make_engine
from chr21_common.jobs.state import MAX_ATTEMPTS, JobStore
from chr21_common.models import Job
from gene_api import migrate
from gene_api.cli import main
from gene_api.core.config import Settings, get_settings
from gene_api.jobs.recovery import Recovered, recover
from tests.support.database_fixtures import BACKENDS

STALE = timedelta(seconds=60)
QUEUED_FOR = timedelta(seconds=900)


@pytest.fixture
def fresh_settings():
    """`gene-api` reads its settings once per process: read again from this test's environment."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(params=BACKENDS)
def store(request, databases) -> JobStore:
    engine = make_engine(Settings(database_url=databases.new(request.param)))
    migrate.upgrade(engine)
    return JobStore(engine)


def aged(store: JobStore, job_id: str, **ago: timedelta) -> None:
    """Set the job's times to so long ago."""
    now = datetime.now(UTC)
    with store.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**{k: now - v for k, v in ago.items()}))


def test_a_running_job_with_a_fresh_heartbeat_is_left_to_its_run(store):
    store.create("a", "alice", "in.bed", "bed", 10)
    first = store.start("a", STALE)
    assert first.run
    assert first.job.attempts == 1
    second = store.start("a", STALE)  # a second message for it, its run alive
    assert not second.run
    assert store.get("a").attempts == 1


def test_a_silent_run_is_taken_over_and_can_record_nothing_more(store):
    store.create("a", "alice", "in.bed", "bed", 10)
    store.start("a", STALE)
    aged(store, "a", heartbeat_at=STALE + timedelta(seconds=1))
    again = store.start("a", STALE)
    assert again.run
    assert again.job.attempts == 2
    # The first run, back from the dead: its heartbeat, progress and success are refused.
    assert not store.heartbeat("a", 1)
    assert not store.progress("a", 50, 1)
    assert not store.succeed("a", {"rows": 1}, 10, 1)
    assert store.succeed("a", {"rows": 1}, 10, 2)
    assert store.get("a").status == "succeeded"


def test_a_job_whose_runs_keep_dying_fails_at_the_last_attempt(store):
    store.create("a", "alice", "in.bed", "bed", 10)
    for attempt in range(1, MAX_ATTEMPTS):
        assert store.start("a", STALE).job.attempts == attempt
        assert store.lost("a", attempt) == "queued"
        assert store.get("a").status == "queued"
        assert store.lost("a", attempt) is None  # handed back already
    assert store.start("a", STALE).job.attempts == MAX_ATTEMPTS
    assert store.lost("a", MAX_ATTEMPTS) == "failed"
    job = store.get("a")
    assert job.status == "failed"
    assert f"the worker stopped {MAX_ATTEMPTS} times while running this job" in job.error


def test_stalled_finds_silent_runs_and_jobs_queued_too_long_only(store):
    for name in ("fresh-queued", "old-queued", "fresh-running", "silent-running", "done"):
        store.create(name, "alice", "in.bed", "bed", 10)
    aged(store, "old-queued", created_at=QUEUED_FOR * 2, dispatched_at=QUEUED_FOR * 2)
    for name in ("fresh-running", "silent-running", "done"):
        store.start(name, STALE)
    aged(store, "silent-running", heartbeat_at=STALE * 2)
    store.succeed("done", {}, 1)
    aged(store, "done", heartbeat_at=STALE * 2, dispatched_at=QUEUED_FOR * 2)
    found = store.stalled(datetime.now(UTC), QUEUED_FOR, STALE, limit=10)
    assert sorted(job.id for job in found) == ["old-queued", "silent-running"]


@dataclass
class Dispatcher:
    sent: list[str] = field(default_factory=list)

    def start(self, job_id: str, request_id: str) -> None:
        self.sent.append(job_id)


@dataclass
class Services:
    settings: Settings
    jobs: JobStore
    dispatcher: Dispatcher


def test_recover_hands_back_silent_runs_and_sends_again_what_waits_in_vain(store):
    settings = Settings(database_url="sqlite://")
    services = Services(settings, store, Dispatcher())
    for name in ("waiting", "lost-message", "silent", "last-try", "alive"):
        store.create(name, "alice", "in.bed", "bed", 10)
    aged(store, "lost-message", dispatched_at=timedelta(seconds=settings.job_redispatch_after_seconds + 1))
    for name in ("silent", "last-try", "alive"):
        store.start(name, STALE)
    with store.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == "last-try").values(attempts=MAX_ATTEMPTS))
    for name in ("silent", "last-try"):
        aged(store, name, heartbeat_at=timedelta(seconds=settings.job_stale_after_seconds + 1))

    assert recover(services, datetime.now(UTC)) == Recovered(lost=2, sent=2)
    assert sorted(services.dispatcher.sent) == ["lost-message", "silent"]
    assert store.get("silent").status == "queued"
    assert store.get("last-try").status == "failed"
    assert {store.get(name).status for name in ("waiting", "alive")} == {"queued", "running"}
    # Sent just now: the next round leaves them be.
    assert recover(services, datetime.now(UTC)) == Recovered(lost=0, sent=0)


def test_recover_leaves_step_functions_executions_alone(store):
    settings = Settings(database_url="sqlite://", pipeline_backend="stepfunctions")
    services = Services(settings, store, Dispatcher())
    store.create("a", "alice", "in.bed", "bed", 10)
    aged(store, "a", dispatched_at=timedelta(days=1))
    assert recover(services, datetime.now(UTC)) == Recovered(0, 0)
    assert services.dispatcher.sent == []


def test_the_command_says_what_it_did_or_why_not(tmp_path, monkeypatch, capsys, fresh_settings):
    database = f"sqlite:///{tmp_path}/jobs.sqlite3"
    migrate.upgrade(make_engine(Settings(database_url=database)))
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("BROKER_FOLDER", str(tmp_path / "broker"))
    store = JobStore(make_engine(Settings(database_url=database)))
    store.create("a", "alice", "in.bed", "bed", 10)
    aged(store, "a", dispatched_at=timedelta(days=1))
    assert main(["jobs", "recover"]) == 0
    assert capsys.readouterr().out == "recovered: 0 jobs silent for 60 s handed back, 1 jobs sent again\n"
    assert len(list((tmp_path / "broker" / "queue").iterdir())) == 1  # the message, on the broker

    aged(store, "a", dispatched_at=timedelta(days=1))
    monkeypatch.setenv("BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    get_settings.cache_clear()
    assert main(["jobs", "recover"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("gene-api: error: recovery: the job queue is unreachable")
    assert error.count("\n") == 1

    monkeypatch.setenv("BROKER_URL", "filesystem://")
    monkeypatch.setenv("BROKER_FOLDER", str(tmp_path / "jobs.sqlite3"))  # a file, not a folder
    get_settings.cache_clear()
    assert main(["jobs", "recover"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        "gene-api: error: recovery: the job queue cannot be set up: [Errno 20] Not a directory"
    )
    assert error.count("\n") == 1
