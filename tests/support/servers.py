"""Servers the tests start on loopback: a free port, and waiting until one answers."""

import socket
import subprocess
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ok(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll `url` until it answers 200; fail the test if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a condition, with a deadline
    pytest.fail(f"{url} did not answer 200 within {timeout} s")
