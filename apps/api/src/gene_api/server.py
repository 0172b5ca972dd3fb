"""The HTTP server inside each gunicorn worker: uvicorn's h11 protocol, bounded.

Uvicorn parses HTTP strictly (h11: header size limit, malformed requests refused) but
gives a client unlimited time to send its headers and body, and its `limit_concurrency`
answers plain text. `BoundedH11Protocol` adds, per connection:
- HEADER_TIMEOUT_SECONDS from the first byte of a request (or from connecting) to the
  end of its headers, and BODY_TIMEOUT_SECONDS from there to the end of its body; past
  either the client gets a 408 and the connection is closed, so slow clients cannot
  hold connections for as long as they like. A body that keeps arriving at
  MIN_BODY_BYTES_PER_SECOND or more on average (a large upload to POST /jobs) has its
  deadline pushed on as it arrives; a trickle does not;
- MAX_CONNECTIONS_PER_WORKER: a connection over the cap gets a 503 and is closed at once;
- the same problem+json documents as the app for the server's own 400, 408 and 503.
Why not another server instead: granian has a header timeout but always sends a
`server: granian` banner and caps requests rather than connections; gunicorn's own ASGI
worker sets no deadline on a connection's first request.
"""

import asyncio
import logging
import uuid
from http import HTTPStatus
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

from gene_api.core.config import get_settings
from gene_api.core.problems import MEDIA_TYPE, problem_bytes

log = logging.getLogger("gene_api.server")


def raw_problem(status: int, detail: str) -> bytes:
    """A whole HTTP/1.1 problem answer that closes the connection, for use outside h11's states."""
    body = problem_bytes(status, detail, request_id=uuid.uuid4().hex)
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        f"content-type: {MEDIA_TYPE}\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class BoundedH11Protocol(H11Protocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.timeouts = {"headers": settings.header_timeout_seconds, "body": settings.body_timeout_seconds}
        self.min_body_rate = settings.min_body_bytes_per_second
        self.body_started = 0.0
        self.body_bytes = 0
        self.max_connections = settings.max_connections_per_worker
        self.phase: str | None = None
        self.deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            log.warning("connection refused: %d connections is this worker's cap", self.max_connections)
            transport.write(raw_problem(503, "the server is at its connection limit; retry shortly"))
            transport.close()
            return
        self._enter("headers")

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            self._enter(None)
        elif self.conn.their_state is h11.IDLE:
            self._enter("headers")  # part of a request's headers
        elif self.conn.their_state is h11.SEND_BODY:
            self._enter("body")
            self._body_arrived(len(data))
        else:
            self._enter(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._enter(None)
        super().connection_lost(exc)

    def _body_arrived(self, count: int) -> None:
        """Push the body's deadline on while the body arrives fast enough on average."""
        self.body_bytes += count
        elapsed = self.loop.time() - self.body_started
        if self.body_bytes >= self.min_body_rate * max(elapsed, 1.0) and self.deadline is not None:
            self.deadline.cancel()
            self.deadline = self.loop.call_later(self.timeouts["body"], self._expired, "body")

    def _enter(self, phase: str | None) -> None:
        """Start the deadline of a new phase; the deadline of a phase runs from its first byte."""
        if phase == self.phase:
            return
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        self.phase = phase
        if phase == "body":
            self.body_started, self.body_bytes = self.loop.time(), 0
        if phase is not None:
            self.deadline = self.loop.call_later(self.timeouts[phase], self._expired, phase)

    def _expired(self, phase: str) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        log.info("connection closed: request %s not received within %s s", phase, self.timeouts[phase])
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            self.transport.write(
                raw_problem(408, f"the request's {phase} did not arrive within {self.timeouts[phase]:g} s")
            )
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """h11 refused the request (malformed, or headers too large): a problem document, then close."""
        self.transport.write(raw_problem(400, "the request is not valid HTTP/1.1"))
        self.transport.close()


class ApiWorker(UvicornWorker):
    """The gunicorn worker class of `gene-api serve` (gunicorn_conf.py)."""

    CONFIG_KWARGS: ClassVar[dict] = {"loop": "asyncio", "http": BoundedH11Protocol, "server_header": False}
