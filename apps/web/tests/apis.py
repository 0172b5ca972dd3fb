"""APIs that fail: one that refuses connections, one that takes them and never answers."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


@contextmanager
def mute_port() -> Iterator[int]:
    """A port that takes connections (the kernel's backlog) but never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def client_of(port: int, seconds: float = 0.5) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=seconds)


def answering(status: int) -> httpx.Client:
    """An API that answers every request with `status`."""
    return httpx.Client(
        base_url="http://api.test", transport=httpx.MockTransport(lambda request: httpx.Response(status))
    )
