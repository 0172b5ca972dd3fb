"""Database fixtures of the API and worker tests: throwaway SQLite and PostgreSQL databases
(databases.py), empty or migrated and seeded. A conftest imports the ones it uses by name."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from chr21_common.db import make_engine
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.seed import seed
from tests.support.databases import ThrowawayDatabases

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
