"""Fixtures: every API test runs against SQLite and against the real PostgreSQL
(throwaway databases, tests/support/databases.py, dropped at the end of the session)."""

import csv
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.dataset import DATA_FILE
from gene_api.db import make_engine
from gene_api.main import create_app
from gene_api.seed import seed
from tests.support.databases import ThrowawayDatabases
from tests.support.jobs import jobs_settings

BACKENDS = ["sqlite", "postgresql"]


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
def client(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = jobs_settings(seeded_url, tmp_path_factory.mktemp("jobs"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def genes_in_file() -> list[dict]:
    """The data file read with the csv module alone: the independent source of expected values."""
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
