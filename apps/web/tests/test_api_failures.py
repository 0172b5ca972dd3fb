"""When the gene API is down, slow or failing, every page that needs it answers 503 saying
so, in bounded time; the probes keep answering."""

import time

import pytest

from apps.web.tests.apis import answering, client_of, closed_port, mute_port

PAGES = [
    "/",
    "/genes/?q=APP",
    "/genes/ENSG00000142192/",
    "/region/?r=21:1-100000",
    "/region/download.tsv?r=21:1-9",
]


@pytest.mark.parametrize("path", PAGES)
def test_an_api_that_refuses_connections_is_a_503_page(client, with_client, path):
    with_client(client_of(closed_port()))
    page = client.get(path)
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "The gene API cannot be reached" in page.content.decode()


@pytest.mark.parametrize("path", PAGES[:2])
def test_an_api_that_does_not_answer_is_a_503_page_after_the_timeout(client, with_client, path):
    with mute_port() as port:
        with_client(client_of(port, seconds=0.5))
        started = time.monotonic()
        page = client.get(path)
        waited = time.monotonic() - started
    assert page.status_code == 503
    assert "did not answer in time" in page.content.decode()
    assert waited < 5


@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_api_that_fails_is_a_503_page(client, with_client, status):
    with_client(answering(status))
    page = client.get("/genes/?q=APP")
    assert page.status_code == 503
    assert f"answered {status}" in page.content.decode()


@pytest.mark.django_db
def test_the_probes_answer_while_the_api_is_down(client, with_client):
    with_client(client_of(closed_port()))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
