"""Fixtures: every API test runs against SQLite and against the real PostgreSQL.

PostgreSQL comes from TEST_POSTGRES_URL (default: the loopback server, user postgres,
trust auth); each test session creates throwaway databases there and drops them.
An unreachable server fails the tests; it does not skip them.
"""

import csv
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text

from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.dataset import DATA_FILE
from gene_api.db import make_engine
from gene_api.main import create_app
from gene_api.seed import seed

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]


def postgres_admin_url() -> str:
    import os

    return os.environ.get("TEST_POSTGRES_URL", POSTGRES_ADMIN_URL)


class ThrowawayDatabases:
    """Creates empty databases of either backend and removes them at the end of the session."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.created: list[str] = []
        self._admin: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
            try:
                with self._admin.connect():
                    pass
            except Exception as error:
                pytest.fail(f"PostgreSQL at {postgres_admin_url()} is unreachable: {error}", pytrace=False)
        return self._admin

    def new(self, backend: str) -> str:
        name = f"gene_api_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / name}.sqlite3"
        with self.admin().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayDatabases]:
    pool = ThrowawayDatabases(tmp_path_factory.mktemp("databases"))
    yield pool
    pool.drop_all()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, databases: ThrowawayDatabases) -> str:
    """A new, empty database of the backend the test is parametrized with (default SQLite)."""
    return databases.new(getattr(request, "param", "sqlite"))


def migrated_and_seeded(url: str) -> Engine:
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    seed(engine)
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, databases: ThrowawayDatabases) -> str:
    """A migrated and seeded database, one per backend, shared by the read-only tests."""
    url = databases.new(request.param)
    migrated_and_seeded(url).dispose()
    return url


@pytest.fixture(scope="session")
def client(seeded_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=seeded_url))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def genes_in_file() -> list[dict]:
    """The data file read with the csv module alone: the independent source of expected values."""
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
