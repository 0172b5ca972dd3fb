"""Fixtures of the frontend's tests: the real gene API, jobs API included, in process
(FastAPI's TestClient is an httpx client, the kind the frontend talks through) on a seeded
SQLite database, put in the place of the frontend's API client; and the worker's runner, to
run a job the frontend submitted, as the Celery task would."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from annotator.genes import GeneSource
from annotator.runner import celery_places, run_job
from apps.web.tests.apis import RecordingApi
from chr21_common.db import make_engine
from chr21_common.jobs.services import JobServices
from chr21_web import api
from gene_api.main import create_app
from tests.support.database_fixtures import databases, migrated_and_seeded  # noqa: F401 -- fixtures, used by name
from tests.support.jobs import TEST_SIGNING_KEY
from worker.tests.workers import api_settings, worker_settings


@dataclass
class GeneApi:
    client: TestClient
    run: Callable[[str], str]  # runs a job as the worker does; its final status


@pytest.fixture(scope="session")
def gene_api(databases, tmp_path_factory) -> Iterator[GeneApi]:
    url = databases.new("sqlite")
    migrated_and_seeded(url).dispose()
    settings = worker_settings(url, tmp_path_factory.mktemp("jobs"))
    engine = make_engine(settings)
    services, genes = JobServices.from_settings(settings, engine), GeneSource(engine)

    def run(job_id: str) -> str:
        return run_job(job_id, services, genes, *celery_places(services, job_id))

    with TestClient(create_app(api_settings(settings)), base_url="http://api.test") as client:
        yield GeneApi(client, run)
    engine.dispose()


@pytest.fixture
def with_api(gene_api: GeneApi, settings) -> Iterator[TestClient]:
    """The real API in the API client's place, the frontend signing tokens with its key."""
    settings.TOKEN_SIGNING_KEY = TEST_SIGNING_KEY
    api.use_client(gene_api.client)
    yield gene_api.client
    api.use_client(None)


@pytest.fixture
def with_client() -> Iterator:
    """Puts a client of the test's choosing in the API client's place."""
    yield api.use_client
    api.use_client(None)


@pytest.fixture
def recording_api(with_api, with_client) -> RecordingApi:
    """The real API in the API client's place, recording what the frontend sends it."""
    api = RecordingApi(with_api)
    with_client(api.client)
    return api
