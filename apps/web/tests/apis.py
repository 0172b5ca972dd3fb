"""APIs for the frontend's tests: ones that fail (refusing connections, never answering,
answering an error), and the real API recording what the frontend sends it."""

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


class RecordingApi:
    """The real API (a client of it), recording each request the frontend sends and its answer."""

    def __init__(self, real: httpx.Client) -> None:
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

        def forward(request: httpx.Request) -> httpx.Response:
            answer = real.send(
                real.build_request(request.method, request.url.raw_path.decode(), headers=request.headers)
            )
            headers = {
                k: v for k, v in answer.headers.items() if k not in ("content-encoding", "content-length")
            }
            response = httpx.Response(answer.status_code, headers=headers, content=answer.content)
            self.exchanges.append((request, response))
            return response

        self.client = httpx.Client(base_url="http://api.test", transport=httpx.MockTransport(forward))

    @property
    def calls(self) -> int:
        return len(self.exchanges)
