"""The jobs' state as Prometheus gauges, read from the jobs table at each scrape.

The jobs table is where both runners (the cluster's Celery worker and the AWS Batch job)
report, so the queue's depth and age, and a job running past its time limit, show whichever
path ran it. gunicorn's master serves these beside the workers' request metrics
(gunicorn_conf.py): one small query per scrape, on a connection opened for it.
"""

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from chr21_common.jobs.state import as_utc
from chr21_common.models import JOB_STATUSES, Job

log = logging.getLogger("gene_api.jobs.metrics")


class JobsCollector(Collector):
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        read = GaugeMetricFamily(
            "gene_api_jobs_read_ok", "1 when the jobs table was read at this scrape, 0 when it could not be"
        )
        table = Job.__table__
        query = select(
            table.c.status, func.count(), func.min(table.c.created_at), func.min(table.c.started_at)
        ).group_by(table.c.status)
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).all()
        except SQLAlchemyError as error:
            log.warning("jobs metrics: the jobs table could not be read: %s", type(error).__name__)
            read.add_metric([], 0)
            yield read
            return
        read.add_metric([], 1)
        yield read
        now = self.clock()
        counts = dict.fromkeys(JOB_STATUSES, 0)
        oldest: dict[str, datetime | None] = {"queued": None, "running": None}
        for status, count, created, started in rows:
            counts[status] = count
            if status == "queued":
                oldest["queued"] = as_utc(created)
            elif status == "running":
                oldest["running"] = as_utc(started) or as_utc(created)
        jobs = GaugeMetricFamily("gene_api_jobs", "Jobs in the jobs table, by status", labels=["status"])
        for status, count in counts.items():
            jobs.add_metric([status], count)
        yield jobs
        queued = GaugeMetricFamily(
            "gene_api_jobs_oldest_queued_seconds",
            "Seconds the oldest job still queued has waited (0 when none waits)",
        )
        queued.add_metric([], _seconds_since(oldest["queued"], now))
        yield queued
        running = GaugeMetricFamily(
            "gene_api_jobs_oldest_running_seconds",
            "Seconds the longest-running job has been running (0 when none runs)",
        )
        running.add_metric([], _seconds_since(oldest["running"], now))
        yield running


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, (now - moment).total_seconds())
