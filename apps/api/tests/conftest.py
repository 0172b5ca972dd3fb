"""Fixtures: every API test runs against SQLite and against the real PostgreSQL
(throwaway databases, tests/support/databases.py, dropped at the end of the session)."""

import csv
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gene_api.dataset import DATA_FILE
from gene_api.main import create_app
from tests.support.aws import aws  # noqa: F401 -- a fixture, used by name
from tests.support.database_fixtures import (  # noqa: F401 -- fixtures, used by name
    BACKENDS,
    databases,
    empty_database_url,
    migrated_and_seeded,
    seeded_url,
)
from tests.support.jobs import jobs_settings


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
