"""The production command (`gene-api serve`: gunicorn + uvicorn workers) on loopback:
it serves, logs JSON lines with the request id, serves the sum of its workers' metrics on
its own port (not the API's) with the jobs' state, starts with an empty metrics folder, and stops cleanly on
SIGTERM as Kubernetes sends it."""

import json
import os
import signal
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.support.servers import free_port, running


@pytest.fixture(scope="module")
def server(seeded_url: str, tmp_path_factory) -> Iterator[tuple[str, str, object]]:
    port, metrics_port = free_port(), free_port()
    metrics_dir = tmp_path_factory.mktemp("metrics")
    (metrics_dir / "counter_99999.db").write_bytes(b"left by an earlier run")
    (metrics_dir / "keep.txt").write_text("not prometheus_client's")
    env = {
        **os.environ,
        "DATABASE_URL": seeded_url,
        "API_PORT": str(port),
        "METRICS_PORT": str(metrics_port),
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    base = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "gene_api.cli", "serve"], env, f"{base}/readyz") as process:
        process.metrics_dir = metrics_dir
        yield base, f"http://127.0.0.1:{metrics_port}", process


def test_serves_and_stops_cleanly_on_sigterm(server):
    base, metrics, process = server
    gene = httpx.get(f"{base}/genes/ENSG00000142192", headers={"X-Request-ID": "trace-42"})
    assert gene.json()["gene_name"] == "APP"
    assert gene.headers["x-request-id"] == "trace-42"
    assert "server" not in gene.headers
    # The folder was emptied of prometheus_client's files at start, and only of those.
    assert not (process.metrics_dir / "counter_99999.db").exists()
    assert (process.metrics_dir / "keep.txt").exists()
    # Metrics: not on the API's port; on the metrics port, the sum of both workers.
    assert httpx.get(f"{base}/metrics").status_code == 404
    for _ in range(6):
        httpx.get(f"{base}/healthz")
    for _ in range(2):
        text = httpx.get(f"{metrics}/metrics").text
        line = next(
            x for x in text.splitlines() if x.startswith('http_requests_total{method="GET",route="/healthz"')
        )
        assert line.endswith(" 6.0")
    # And the jobs' state, read by the master from the database at each scrape.
    assert "gene_api_jobs_read_ok 1.0" in text
    assert 'gene_api_jobs{status="queued"}' in text

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    lines = [json.loads(x) for x in process.stdout.read().decode().splitlines() if x.startswith("{")]
    access = [x for x in lines if x.get("logger") == "gene_api.access" and x.get("request_id") == "trace-42"]
    assert [(x["route"], x["status"]) for x in access] == [("/genes/{gene_stable_id}", 200)]
    assert any("Shutting down" in x["message"] for x in lines)
