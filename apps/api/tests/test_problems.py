"""One error shape for every 4xx and 5xx: RFC 9457 problem details, whoever raised the error
(the API, FastAPI, Starlette's router), never echoing more than an excerpt of the input."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chr21_common.logs import RequestIdFilter
from gene_api.core.config import Settings
from gene_api.core.problems import EXCERPT_CHARS, MAX_FIELD_ERRORS
from gene_api.main import create_app

MEMBERS = {"type", "title", "status", "detail", "instance", "request_id"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= MEMBERS, body
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


ERRORS = [
    pytest.param("GET", "/no/such/path", {}, None, 404, id="unknown path"),
    pytest.param("GET", "/genes/ENSG99999999999", {}, None, 404, id="unknown gene"),
    pytest.param("DELETE", "/genes", {}, None, 405, id="method not allowed"),
    pytest.param("GET", "/genes/batch", {}, None, 405, id="batch by GET"),
    pytest.param("GET", "/stats", {"Accept": "image/png"}, None, 406, id="unanswerable accept"),
    pytest.param(
        "POST", "/genes/batch", {"Content-Type": "text/plain"}, b'{"ids": []}', 415, id="wrong type"
    ),
    pytest.param("GET", "/genes?page=0", {}, None, 422, id="invalid query"),
    pytest.param("GET", "/regions/21:5-1/genes", {}, None, 400, id="reversed region"),
    pytest.param("GET", "/genes", {"Content-Length": "5"}, b"hello", 413, id="body where none is taken"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body", "status"), ERRORS)
def test_every_error_is_a_problem_document(client, method, path, headers, body, status):
    response = client.request(method, path, headers=headers, content=body)
    problem = assert_problem(response, status)
    assert problem["instance"] == path.split("?")[0]


def test_validation_errors_name_each_field_without_echoing_the_input(client):
    response = client.get("/genes", params={"page": "0", "page_size": "x" * 5000})
    problem = assert_problem(response, 422)
    assert {e["field"] for e in problem["errors"]} == {"query.page", "query.page_size"}
    assert all(set(e) == {"field", "message"} for e in problem["errors"])
    assert "xxxxxxxxxx" not in response.text


def test_a_long_list_of_field_errors_is_cut(client):
    response = client.post("/genes/batch", json={"ids": [""] * 1000})
    problem = assert_problem(response, 422)
    assert len(problem["errors"]) == MAX_FIELD_ERRORS + 1
    assert "more errors" in problem["errors"][-1]["message"]
    assert len(response.content) < 8_000


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        pytest.param("GET", "/genes?gene_type=" + "g" * 7_000, {}, id="7 KB query"),
        pytest.param("GET", "/genes?gene_type=" + "g" * 60_000, {}, id="60 KB query"),
        pytest.param("GET", "/genes", {"Accept": "x/" + "a" * 80_000}, id="80 KB Accept"),
        pytest.param("GET", "/" + "p" * 20_000, {}, id="20 KB path"),
        pytest.param(
            "POST", "/genes/batch", {"Content-Type": "text/" + "t" * 10_000}, id="10 KB Content-Type"
        ),
    ],
)
def test_errors_echo_at_most_an_excerpt(client, method, path, headers):
    response = client.request(method, path, headers=headers, content=b"{}" if method == "POST" else None)
    assert 400 <= response.status_code < 500
    assert len(response.content) < 1_000
    assert "a" * (EXCERPT_CHARS + 1) not in response.text


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_numbers_are_refused(client, constant):
    body = f'{{"ids": [{constant}]}}'.encode()
    response = client.post("/genes/batch", content=body, headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 422)
    assert "not a JSON number" in problem["errors"][0]["message"] or problem["errors"][0]["field"]


def test_deeply_nested_json_is_a_4xx(client):
    body = b'{"ids": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = client.post("/genes/batch", content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture(scope="module")
def failing_client(seeded_url: str):
    """The app with one extra route that fails, to see what an unexpected error looks like."""
    app: FastAPI = create_app(Settings(database_url=seeded_url))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_unexpected_error_is_a_500_problem_with_the_request_id(failing_client, caplog):
    caplog.handler.addFilter(RequestIdFilter())  # what the app's log handler carries (chr21_common/logs.py)
    response = failing_client.get("/boom", headers={"X-Request-ID": "trace-500"})
    problem = assert_problem(response, 500)
    assert problem["request_id"] == "trace-500"
    assert "secret internals" not in response.text
    logged = [r for r in caplog.records if r.name == "gene_api.errors"]
    assert logged
    assert logged[0].request_id == "trace-500"
    assert logged[0].exc_info is not None
