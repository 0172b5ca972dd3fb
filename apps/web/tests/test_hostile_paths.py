"""The frontend's URLs driven with the hostile path segments the gene API's own tests use
(tests/support/hostile.py), against the real API served as in production (`gene-api serve`:
gunicorn, uvicorn workers; the in-process test client decodes a path twice, which no real
server does): every one is a 4xx page, never a 500, and never an answer about another item.
Each value is sent percent-encoded, as a browser sends what a user pastes, so the frontend's
own decoding is what the API is called with."""

import os
import sys
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.database_fixtures import migrated_and_seeded
from tests.support.hostile import SEGMENTS, texts
from tests.support.jobs import TEST_SIGNING_KEY
from tests.support.servers import free_port, running

# The frontend's URLs that carry a value to the API: as a path segment, or the region's text.
PATH_URLS = [
    "/genes/{}/",
    "/jobs/{}/",
    "/jobs/{}/status",
    "/jobs/{}/plot.svg",
    "/jobs/{}/result.tsv",
]
REGION_URLS = ["/region/?r={}", "/region/download.tsv?r={}", "/region/download.bed?r={}"]
# The cases that reached a 500 (each a dot segment collapsed, or a '/' in a region).
REPORTED = [
    "/region/?r=a/b",
    "/genes/%2E/",
    "/genes/%2E%2E/",
    "/jobs/%2E/",
    "/jobs/%2E/status",
    "/jobs/%2E%2E/",
]


@pytest.fixture(scope="module")
def served_api(databases, tmp_path_factory) -> Iterator[str]:
    url = databases.new("sqlite")
    migrated_and_seeded(url).dispose()
    folder = tmp_path_factory.mktemp("api")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "API_PORT": str(port),
        "METRICS_PORT": str(free_port()),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path_factory.mktemp("metrics")),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
        "TOKEN_SIGNING_KEY": TEST_SIGNING_KEY,
        "UPLOADS_LOCATION": str(folder / "uploads"),
        "RESULTS_LOCATION": str(folder / "results"),
        "BROKER_FOLDER": str(folder / "broker"),
    }
    argv = [sys.executable, "-m", "gene_api.cli", "serve"]
    with running(argv, env, f"http://127.0.0.1:{port}/readyz"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def alice(client, served_api, with_client, settings):
    settings.TOKEN_SIGNING_KEY = TEST_SIGNING_KEY
    with httpx.Client(base_url=served_api, timeout=10) as http:
        with_client(http)
        client.force_login(User.objects.create_user("alice", password="a long enough password"))
        yield client


def refused(client, url: str) -> int:
    response = client.get(url)
    assert 400 <= response.status_code < 500, f"{url}: {response.status_code}"
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("url", REPORTED)
def test_the_reported_urls_are_4xx_pages(alice, url):
    refused(alice, url)


@pytest.mark.django_db
@pytest.mark.parametrize("template", PATH_URLS + REGION_URLS)
def test_every_shared_hostile_segment_is_a_4xx_page(alice, template):
    for value in SEGMENTS:
        if template.startswith("/region/") and value.strip() == "":
            continue  # an empty region is the form's own question, a 200 page asking for one
        refused(alice, template.format(quote(value, safe="")))


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=st.sampled_from(PATH_URLS), value=texts)
def test_generated_segments_never_reach_a_500(alice, template, value):
    response = alice.get(template.format(quote(value, safe="")))
    assert response.status_code < 500, f"{template} {value[:80]!r}: {response.status_code}"
