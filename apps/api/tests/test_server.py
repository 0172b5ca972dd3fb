"""The production command (`gene-api serve`: gunicorn + uvicorn workers) on loopback:
it serves, logs JSON lines with the request id, adds up metrics of all workers, and
stops cleanly on SIGTERM as Kubernetes sends it."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.support.servers import free_port, wait_until_ok


@pytest.fixture(scope="module")
def server(seeded_url: str) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": seeded_url, "API_PORT": str(port), "WEB_CONCURRENCY": "2"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gene_api.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{base}/readyz", process)
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_serves_and_stops_cleanly_on_sigterm(server):
    base, process = server
    gene = httpx.get(f"{base}/genes/ENSG00000142192", headers={"X-Request-ID": "trace-42"})
    assert gene.json()["gene_name"] == "APP"
    assert gene.headers["x-request-id"] == "trace-42"
    # Two workers answer /metrics in turn; each answer adds up both workers' counts.
    for _ in range(6):
        httpx.get(f"{base}/healthz")
    for _ in range(2):
        metrics = httpx.get(f"{base}/metrics").text
        line = next(
            x
            for x in metrics.splitlines()
            if x.startswith('http_requests_total{method="GET",route="/healthz"')
        )
        assert line.endswith(" 6.0")

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    lines = [json.loads(x) for x in process.stdout.read().decode().splitlines() if x.startswith("{")]
    access = [x for x in lines if x.get("logger") == "gene_api.access" and x.get("request_id") == "trace-42"]
    assert [(x["route"], x["status"]) for x in access] == [("/genes/{gene_stable_id}", 200)]
    assert any("Shutting down" in x["message"] for x in lines)
