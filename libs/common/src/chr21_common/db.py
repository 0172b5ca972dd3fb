"""The database engine. DATABASE_URL picks SQLite (embedded default) or PostgreSQL."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.pool import NullPool

from chr21_common.settings import SharedSettings


def make_engine(settings: SharedSettings) -> Engine:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # The refresher and /readyz use the engine from worker threads.
        return create_engine(url, connect_args={"check_same_thread": False})
    # A bounded connect time, so an unreachable server fails a check instead of hanging it.
    return create_engine(
        url, pool_size=settings.db_pool_size, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )


def make_scrape_engine(settings: SharedSettings) -> Engine:
    """For gunicorn's master, which reads the jobs' state at each scrape (jobs/metrics.py): a
    connection opened per scrape and closed after (the master keeps none open for the workers it
    forks to inherit), bounded in time below Prometheus' scrape timeout."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return create_engine(url, poolclass=NullPool)
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
