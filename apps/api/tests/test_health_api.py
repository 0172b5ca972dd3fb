"""/healthz, /readyz and the request metrics: what Kubernetes probes and Prometheus scrapes.

In process, metrics go to prometheus_client's default registry; the real server's metrics
port (the sum of its workers) is tested in test_server.py.
"""

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest

from chr21_common.db import make_engine
from chr21_common.logs import request_id_or_new
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.main import create_app
from gene_api.seed import seed


def test_liveness(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready_when_seeded(client):
    assert client.get("/readyz").json() == {"status": "ready"}


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_not_ready_until_migrated_and_seeded(empty_database_url):
    with TestClient(create_app(Settings(database_url=empty_database_url))) as client:
        unmigrated = client.get("/readyz")
        assert unmigrated.status_code == 503
        migrate.upgrade(make_engine(Settings(database_url=empty_database_url)))
        unseeded = client.get("/readyz")
        assert unseeded.status_code == 503
        assert "not seeded" in unseeded.json()["detail"]
        assert client.get("/healthz").status_code == 200
        not_loaded = client.get("/genes")
        assert not_loaded.status_code == 503
        assert "not seeded" in not_loaded.json()["detail"]
        seed(make_engine(Settings(database_url=empty_database_url)))
        # The first readiness check after seeding loads the catalogue in this worker.
        assert client.get("/readyz").status_code == 200
        assert client.get("/genes").json()["total"] == 1134


def test_not_ready_when_the_database_is_unreachable():
    # Port 9 on loopback: nothing listens there.
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "unreachable" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200
        assert client.get("/genes").status_code == 503


def metrics_text() -> str:
    return generate_latest(REGISTRY).decode()


def test_metrics_count_requests_by_route_template_and_status_class(client):
    client.get("/genes/ENSG00000142192")
    client.get("/genes/ENSG99999999999")
    text = metrics_text()
    assert 'http_requests_total{method="GET",route="/genes/{gene_stable_id}",status="2xx"}' in text
    assert 'http_requests_total{method="GET",route="/genes/{gene_stable_id}",status="4xx"}' in text
    assert (
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/genes/{gene_stable_id}"' in text
    )


def test_no_request_can_create_a_series(client):
    """Labels come from fixed sets: unknown paths, made-up methods and odd statuses add no series."""
    before = metrics_text().count("http_requests_total{")
    client.get("/no/such/path/first")
    client.request("FROBNICATE", "/genes")
    client.request("FROBNICATE", "/nowhere/first")
    after_one = metrics_text().count("http_requests_total{")
    for n in range(50):
        client.get(f"/no/such/path/{n}")
        client.request(f"MADEUP{n}", "/genes")
        client.request(f"MADEUP{n}", f"/nowhere/{n}")
    text = metrics_text()
    assert text.count("http_requests_total{") == after_one <= before + 4
    assert 'method="other",route="/genes",status="4xx"' in text
    assert 'route="<unmatched>",status="4xx"' in text
    assert "MADEUP" not in text
    assert "nowhere" not in text


def test_metrics_are_not_served_on_the_api_port(client):
    # They are served by the gunicorn master on METRICS_PORT, which the Ingress never routes.
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["x-request-id"]) == 32


@pytest.mark.parametrize("given", [None, "", "x" * 129, "a b", "é", 42, ["trace-1"], {"id": "trace-1"}])
def test_a_request_id_that_is_not_a_short_plain_string_is_replaced(given):
    # The worker takes the id from a broker message's header, which may hold anything.
    made = request_id_or_new(given)
    assert made != given
    assert len(made) == 32


def test_a_short_plain_request_id_is_kept():
    assert request_id_or_new("trace-1.A_b") == "trace-1.A_b"
