"""Servers the tests start on loopback: a free port, starting one and waiting until it
answers, and stopping it with every process it started."""

import contextlib
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from chr21_ops.local_stack import free_port, wait_until_ok  # noqa: F401 -- re-exported to the tests
from chr21_ops.processes import stop_group


@contextmanager
def running(argv: list[str], env: dict[str, str], ready_url: str) -> Iterator[subprocess.Popen]:
    """A server in its own process group, ready; at the end the whole group is killed, so no
    worker outlives its master. Its output is collected in `process.stdout` (a pipe)."""
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until_ok(ready_url, process)
        yield process
    finally:
        # The whole group, even when the master is gone: no worker of it is left.
        stop_group(process, signal.SIGKILL, timeout=30)


def exchange(port: int, data: bytes, timeout: float = 10) -> tuple[bytes, bool]:
    """Send raw bytes to a server on loopback, read until it closes or `timeout`; (what came
    back, closed?)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(timeout)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
            return received, True
        except ConnectionResetError:
            return received, True
        except TimeoutError:
            return received, False


def answer_head(sock: socket.socket) -> bytes:
    """What a server answered on `sock`: up to the end of its head (a 408's, to the close)."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while part := sock.recv(65536):
            received += part
            if b"\r\n\r\n" in received and not received.startswith(b"HTTP/1.1 408"):
                break
    return received
