"""Engine and sessions. DATABASE_URL picks SQLite (embedded default) or PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from gene_api.core.config import Settings


def make_engine(settings: Settings) -> Engine:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # Requests run in a thread pool; SQLite connections are shared across those threads.
        return create_engine(url, connect_args={"check_same_thread": False})
    return create_engine(url, pool_size=settings.db_pool_size, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, closed when the response is sent."""
    with request.app.state.sessionmaker() as session:
        yield session
