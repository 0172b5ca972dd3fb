#!/usr/bin/env python3
"""Benchmark of the gene API under its production command, on SQLite and on PostgreSQL.

    .venv/bin/python scripts/bench/api.py [--connections 32] [--seconds 5] [--rounds 3]

For each database it migrates and seeds a throwaway database, starts `gene-api serve`
(gunicorn + uvicorn workers) on 127.0.0.1, and drives it with wrk (Debian package `wrk`)
for a fixed time per endpoint. Endpoints are measured in alternating rounds next to a
trivial endpoint of the same server (/healthz, the ceiling), and every result is printed
as a ratio to that ceiling, because absolute numbers on a shared 2-core machine are noise.
Targets: lookup by id >= 0.7 of the ceiling's throughput, 1 Mb region >= 0.5, and a
lookup's p99 latency <= 1.5 x the ceiling's p99. Exit status 1 when a target is missed.
The server runs as in production: its default limits, deadlines and connection cap, ETag,
Cache-Control and security headers on; wrk sends no If-None-Match, so every answer is a 200.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text
from wrk import (
    Result,
    add_load_options,
    ratio_report,
    require_wrk,
    wrk,
)  # scripts/bench/wrk.py, beside this script

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ENDPOINTS = {
    "ceiling (/healthz)": "/healthz",
    "lookup by id": "/genes/ENSG00000142192",
    "lookup by name": "/genes/by-name/APP",
    "1 Mb region": "/regions/21:30000000-31000000/genes",
    "first page of /genes": "/genes",
}
CEILING = "ceiling (/healthz)"
TARGETS = [
    ("lookup by id", "throughput", 0.7),
    ("1 Mb region", "throughput", 0.5),
    ("lookup by id", "p99", 1.5),
]


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(backend: str, workdir: Path) -> tuple[str, callable]:
    """A migrated, seeded database and the function that removes it."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        drop = lambda: None  # noqa: E731 -- the temporary folder goes with it
    else:
        name = f"gene_api_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    env = {**os.environ, "DATABASE_URL": url}
    for step in (["db", "upgrade"], ["db", "seed"]):
        subprocess.run(
            [sys.executable, "-m", "gene_api.cli", *step], env=env, check=True, stdout=subprocess.DEVNULL
        )
    return url, drop


def serve(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "API_HOST": "127.0.0.1",
        "API_PORT": str(port),
        "METRICS_PORT": str(free_port()),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gene_api.cli", "serve"], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    sys.exit("bench: the server did not become ready within 60 s")


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Result]:
    with tempfile.TemporaryDirectory() as workdir:
        say(f"{backend}: migrating and seeding a throwaway database")
        url, drop = prepare(backend, Path(workdir))
        port = free_port()
        server = serve(url, port)
        try:
            runs: dict[str, list[Result]] = {name: [] for name in ENDPOINTS}
            say(f"{backend}: warming up every endpoint (1 s each)")
            for path in ENDPOINTS.values():
                wrk(f"http://127.0.0.1:{port}{path}", args.connections, 1)
            for round_number in range(1, args.rounds + 1):
                for name, path in ENDPOINTS.items():
                    say(f"{backend}: round {round_number}/{args.rounds}: {name} ({args.seconds} s)")
                    runs[name].append(wrk(f"http://127.0.0.1:{port}{path}", args.connections, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
            drop()
    return {
        name: Result(
            *(statistics.median(getattr(r, field) for r in results) for field in ("rps", "p50_ms", "p99_ms"))
        )
        for name, results in runs.items()
    }


def report(backend: str, results: dict[str, Result], connections: int) -> list[str]:
    print(f"\n{backend}, {connections} connections (medians of the rounds)")
    return [f"{backend}: {missed}" for missed in ratio_report(results, CEILING, TARGETS, "x ceiling")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    require_wrk()
    missed = []
    for backend in args.backends:
        missed += report(backend, bench_backend(backend, args), args.connections)
    print("\nall targets met" if not missed else f"\nmissed: {'; '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
