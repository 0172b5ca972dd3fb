"""The jobs' state as Prometheus reads it (jobs/metrics.py), on SQLite and PostgreSQL: counts by
status, the oldest queued job's wait and the longest run, from the jobs table both runners
write; a database it cannot read is a 0 in gene_api_jobs_read_ok, never a failed scrape."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, update

from chr21_common.db import make_engine
from chr21_common.jobs.state import JobStore
from chr21_common.models import Job
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.jobs.metrics import JobsCollector
from tests.support.database_fixtures import BACKENDS

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def scraped(collector: JobsCollector) -> dict[tuple[str, tuple], float]:
    registry = CollectorRegistry()
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture(params=BACKENDS)
def store(request, databases) -> JobStore:
    engine = make_engine(Settings(database_url=databases.new(request.param)))
    migrate.upgrade(engine)
    return JobStore(engine)


def at(store: JobStore, job_id: str, **times) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**times))


def test_counts_by_status_and_the_oldest_waits(store):
    for n in range(5):
        store.create(f"job-{n}", "alice", "in.bed", "bed", 10)
        at(store, f"job-{n}", created_at=T0 + timedelta(minutes=n))
    store.start("job-0", timedelta(minutes=1))
    at(store, "job-0", started_at=T0 + timedelta(minutes=1))
    store.start("job-1", timedelta(minutes=1))
    at(store, "job-1", started_at=T0 + timedelta(minutes=3))
    store.start("job-4", timedelta(minutes=1))
    store.succeed("job-4", {})
    collector = JobsCollector(store.engine, clock=lambda: T0 + timedelta(minutes=10))
    values = scraped(collector)
    assert values[("gene_api_jobs_read_ok", ())] == 1
    by_status = {labels[0][1]: v for (name, labels), v in values.items() if name == "gene_api_jobs"}
    assert by_status == {"queued": 2, "running": 2, "succeeded": 1, "failed": 0}
    # Queued: job-2, created at minute 2; running since minute 1: job-0.
    assert values[("gene_api_jobs_oldest_queued_seconds", ())] == 8 * 60
    assert values[("gene_api_jobs_oldest_running_seconds", ())] == 9 * 60


def test_no_job_waits_or_runs_in_an_empty_table(store):
    values = scraped(JobsCollector(store.engine))
    assert values[("gene_api_jobs_oldest_queued_seconds", ())] == 0
    assert values[("gene_api_jobs_oldest_running_seconds", ())] == 0
    assert {v for (name, _), v in values.items() if name == "gene_api_jobs"} == {0}


def test_an_unreadable_database_is_a_zero_not_a_failed_scrape(caplog):
    nowhere = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    engine = create_engine(nowhere, connect_args={"connect_timeout": 2})
    values = scraped(JobsCollector(engine))
    assert values == {("gene_api_jobs_read_ok", ()): 0}
    assert "the jobs table could not be read" in caplog.text
