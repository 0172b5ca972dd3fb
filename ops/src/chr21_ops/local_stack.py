"""The local stack (`scripts/run`, what `make run` starts: the gene API, the worker, the
frontend) with its state in a folder of its own, on free ports of 127.0.0.1: for the tests
and the benchmarks (scripts/bench)."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from .checkout import REPO
from .processes import stop_group

# A user's shell has none of these: make's (a sub-make prints "Entering directory" on stdout,
# into $(make token ...)), a signing key of its own, pytest-django's settings module.
NOT_A_USERS = ("TOKEN_SIGNING_KEY", "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "DJANGO_SETTINGS_MODULE")


class StackError(RuntimeError):
    """A server of the stack exited or did not answer in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ok(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll `url` until it answers 200; StackError if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a condition, with a deadline
    raise StackError(f"{url} did not answer 200 within {timeout} s")


@dataclass(frozen=True)
class Ports:
    api: int
    web: int
    metrics: int
    worker_metrics: int
    web_metrics: int


def stack_env(folder: Path, **overrides: str) -> tuple[dict[str, str], Ports]:
    ports = Ports(*(free_port() for _ in range(5)))
    env = {
        **{k: v for k, v in os.environ.items() if k not in NOT_A_USERS},
        "API_PORT": str(ports.api),
        "WEB_PORT": str(ports.web),
        "METRICS_PORT": str(ports.metrics),
        "WORKER_METRICS_PORT": str(ports.worker_metrics),
        "WEB_METRICS_PORT": str(ports.web_metrics),
        "DATABASE_URL": f"sqlite:///{folder}/run.sqlite3",
        "UPLOADS_LOCATION": str(folder / "uploads"),
        "RESULTS_LOCATION": str(folder / "results"),
        "BROKER_FOLDER": str(folder / "broker"),
        "WEB_DATABASE_URL": f"sqlite:///{folder}/web.sqlite3",
        "DJANGO_STATIC_ROOT": str(folder / "web-static"),
        # Job folders, metrics files, staged uploads: in the folder, even when a process is killed.
        "TMPDIR": str(folder / "tmp"),
        **overrides,
    }
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    return env, ports


@dataclass(frozen=True)
class Stack:
    ports: Ports
    pid: int  # scripts/run's, honcho's: every process of the stack runs below it
    env: dict[str, str]


@contextmanager
def running_stack(folder: Path, **overrides: str) -> Iterator[Stack]:
    """The stack started and ready (API, worker, frontend); stopped as by Ctrl-C at the end."""
    env, ports = stack_env(folder, **overrides)
    with (folder / "stack.log").open("wb") as log:
        run = subprocess.Popen(
            [str(REPO / "scripts" / "run")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ok(f"http://127.0.0.1:{ports.api}/readyz", run, timeout=120)
        wait_until_ok(f"http://127.0.0.1:{ports.web}/readyz", run, timeout=120)
        wait_until_ok(f"http://127.0.0.1:{ports.worker_metrics}/metrics", run, timeout=120)
        yield Stack(ports, run.pid, env)
    finally:
        stop_group(run, signal.SIGINT, timeout=60)  # as Ctrl-C stops it
