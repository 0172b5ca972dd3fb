"""Every page answers with its request id (X-Request-ID: the visitor's when valid, else a new
one) and sends the same id with each of its calls to the gene API, which keeps it: so the
frontend's, the API's and a job's log lines of one visit share it (chr21_common/logs.py). The
local stack's test follows one id through the three processes (tests/test_request_id_logs.py)."""

import re

import pytest
from django.core.cache import cache

from apps.web.tests.apis import client_of, closed_port
from chr21_web import api

GENE_PAGE = "/genes/ENSG00000142192/"
NEW_ID = re.compile(r"[0-9a-f]{32}")


def sent_ids(api) -> set[str]:
    return {request.headers.get("X-Request-ID") for request, _ in api.exchanges}


def test_a_page_sends_the_visitors_id_to_the_api_which_keeps_it(client, recording_api):
    page = client.get(GENE_PAGE, HTTP_X_REQUEST_ID="trace-visit-1")
    assert page.status_code == 200
    assert page["X-Request-ID"] == "trace-visit-1"
    assert recording_api.calls >= 2  # the gene, its neighbours
    assert sent_ids(recording_api) == {"trace-visit-1"}
    # The API took it as its own (it replaces an id it does not accept).
    assert {answer.headers["X-Request-ID"] for _, answer in recording_api.exchanges} == {"trace-visit-1"}


def test_without_an_id_the_page_makes_one_and_sends_it(client, recording_api):
    page = client.get(GENE_PAGE)
    assert NEW_ID.fullmatch(page["X-Request-ID"])
    assert sent_ids(recording_api) == {page["X-Request-ID"]}


@pytest.mark.parametrize("hostile", ["two words", "x" * 129, "id\x01ctl", "ünïcode", ""])
def test_an_id_that_is_not_short_and_plain_is_replaced(client, recording_api, hostile):
    page = client.get(GENE_PAGE, HTTP_X_REQUEST_ID=hostile)
    assert page.status_code == 200
    assert NEW_ID.fullmatch(page["X-Request-ID"])
    assert sent_ids(recording_api) == {page["X-Request-ID"]}


def test_every_answer_has_an_id_errors_and_probes_included(client, recording_api):
    for path in ("/no-such-page/", "/healthz", "/genes/not-a-gene-id/"):
        answer = client.get(path, HTTP_X_REQUEST_ID="trace-any")
        assert answer["X-Request-ID"] == "trace-any", path


def test_a_kept_page_answers_with_each_visitors_own_id(client, recording_api, settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    try:
        first = client.get(GENE_PAGE, HTTP_X_REQUEST_ID="trace-first")
        calls = recording_api.calls
        second = client.get(GENE_PAGE, HTTP_X_REQUEST_ID="trace-second")
        assert recording_api.calls == calls  # served from the page cache
        assert (first["X-Request-ID"], second["X-Request-ID"]) == ("trace-first", "trace-second")
    finally:
        cache.clear()


def test_outside_a_request_the_api_is_called_without_an_id(recording_api):
    api.stats()
    assert sent_ids(recording_api) == {None}


def test_an_unavailable_api_page_shows_the_id_to_quote(client, with_client):
    with_client(client_of(closed_port()))
    page = client.get(GENE_PAGE, HTTP_X_REQUEST_ID="trace-down")
    assert page.status_code == 503
    assert "Reference: <code>trace-down</code>" in page.content.decode()


def test_a_refused_query_page_shows_the_id_to_quote(client, with_api):
    page = client.get("/genes/" + "E" * 500 + "/", HTTP_X_REQUEST_ID="trace-refused")
    assert 400 <= page.status_code < 500
    assert "Reference: <code>trace-refused</code>" in page.content.decode()


def test_the_500_page_shows_the_id_to_quote(client, with_api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "gene", broken)
    client.raise_request_exception = False
    page = client.get(GENE_PAGE, HTTP_X_REQUEST_ID="trace-bug")
    assert page.status_code == 500
    assert page["X-Request-ID"] == "trace-bug"
    assert "quote this reference: <code>trace-bug</code>" in page.content.decode()
