"""Fixtures of the frontend's tests: the real gene API in process (FastAPI's TestClient is an
httpx client, the kind the frontend talks through) on a seeded SQLite database, put in the
place of the frontend's API client; and a client of a dead or a mute API for the failures."""

from collections.abc import Iterator

import pytest
from chr21_web import api
from fastapi.testclient import TestClient

from gene_api.core.config import Settings
from gene_api.main import create_app
from tests.support.database_fixtures import databases, migrated_and_seeded  # noqa: F401 -- fixtures, used by name


@pytest.fixture(scope="session")
def gene_api(databases) -> Iterator[TestClient]:
    url = databases.new("sqlite")
    migrated_and_seeded(url).dispose()
    with TestClient(create_app(Settings(database_url=url)), base_url="http://api.test") as client:
        yield client


@pytest.fixture
def with_api(gene_api: TestClient) -> Iterator[TestClient]:
    api.use_client(gene_api)
    yield gene_api
    api.use_client(None)


@pytest.fixture
def with_client() -> Iterator:
    """Puts a client of the test's choosing in the API client's place."""
    yield api.use_client
    api.use_client(None)
