"""/healthz, /readyz and /metrics: what Kubernetes probes and Prometheus scrapes."""

import pytest
from fastapi.testclient import TestClient

from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.db import make_engine
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


def test_metrics_count_requests_by_route_template_and_status(client):
    client.get("/genes/ENSG00000142192")
    client.get("/genes/ENSG99999999999")
    text = client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/genes/{gene_stable_id}",status="200"}' in text
    assert 'http_requests_total{method="GET",route="/genes/{gene_stable_id}",status="404"}' in text
    assert (
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/genes/{gene_stable_id}"' in text
    )


def test_unmatched_paths_share_one_label(client):
    client.get("/no/such/path/12345")
    text = client.get("/metrics").text
    assert 'route="<unmatched>",status="404"' in text
    assert "12345" not in text


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["x-request-id"]) == 32
