"""Fixtures of the worker tests: a seeded database of each backend, the jobs API on it (in
process), and the runner that the Celery task and the Batch job run, called directly."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from annotator.config import WorkerSettings
from annotator.genes import GeneSource
from annotator.runner import celery_places, run_job
from chr21_common.db import make_engine
from chr21_common.jobs.services import JobServices
from gene_api.main import create_app
from tests.support.aws import aws  # noqa: F401 -- a fixture, used by name
from tests.support.database_fixtures import (  # noqa: F401 -- fixtures, used by name
    databases,
    migrated_and_seeded,
    seeded_url,
)
from tests.support.jobs import bearer
from worker.tests.workers import api_settings, worker_settings


@dataclass
class Stack:
    """The jobs API and the runner over one database, storages and broker folder."""

    settings: WorkerSettings
    client: TestClient
    services: JobServices
    genes: GeneSource

    def submit(self, name: str, content: bytes, user: str = "alice"):
        return self.client.post("/jobs", files={"file": (name, content)}, headers=bearer(user))

    def run(self, job_id: str) -> str:
        source, target = celery_places(self.services, job_id)
        return run_job(job_id, self.services, self.genes, source, target)

    def job(self, job_id: str, user: str = "alice") -> dict:
        response = self.client.get(f"/jobs/{job_id}", headers=bearer(user))
        assert response.status_code == 200, response.text
        return response.json()

    def result(self, job_id: str, fmt: str = "tsv", user: str = "alice"):
        return self.client.get(f"/jobs/{job_id}/result", params={"format": fmt}, headers=bearer(user))


@pytest.fixture(scope="session")
def stack(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = worker_settings(seeded_url, tmp_path_factory.mktemp("pipeline"))
    engine = make_engine(settings)
    with TestClient(create_app(api_settings(settings))) as client:
        yield Stack(settings, client, JobServices.from_settings(settings, engine), GeneSource(engine))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(databases) -> str:
    """A seeded PostgreSQL database: the one worker processes share with the API in the cluster."""
    url = databases.new("postgresql")
    migrated_and_seeded(url).dispose()
    return url


@pytest.fixture
def own_postgres_url(databases) -> str:
    """A seeded PostgreSQL database of the test's own: for tests that run `gene-api jobs
    recover`'s round, which sends again every job left waiting, other tests' included."""
    url = databases.new("postgresql")
    migrated_and_seeded(url).dispose()
    return url
