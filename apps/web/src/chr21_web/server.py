"""The frontend's gunicorn worker: gunicorn's thread worker, with deadlines for slow clients.

gunicorn's gthread worker gives a connection one of its WEB_THREADS threads as soon as a
byte arrives, and that thread reads the request with blocking reads and no deadline: a client
sending a header line a second holds a thread for as long as it likes, and a few such clients
stop the worker. `BoundedThreadWorker` is the same worker (threads, keep-alive, hooks, parser)
with the deadlines of the gene API (gene_api/server.py):

- a request's head, and its body when it is a small one (a form: Content-Length up to
  EVENT_LOOP_BODY_BYTES), are read by the worker's event loop, not by a thread: a connection
  gets a thread only once they are in, so slow clients hold no thread. A larger body (an
  upload to /jobs/new/) is read by the thread that serves the request, as gthread does;
- HEADER_TIMEOUT_SECONDS from connecting (on a kept-alive connection, from the next request's
  first byte) to the end of the head; BODY_TIMEOUT_SECONDS from there to the end of the body,
  pushed on while the body arrives at MIN_BODY_BYTES_PER_SECOND or more on average (an
  upload); a trickle is not;
- past either, the client gets a 408 and the connection is closed, with one INFO line: a slow
  client is not a server error. In a thread the request is cancelled with `RequestTimeout`, a
  BaseException like asyncio's CancelledError, so that neither Django (which makes a 500 of an
  Exception and logs its traceback, or a 403 when the CSRF check cannot read the form) nor a
  view's `except OSError` answers it;
- writing the response has no deadline: a download to a slow reader is not cut off;
- a connection to close lingers for the client to close its end (gunicorn's close_graceful,
  up to 2 s) in the thread that served it, not in the event loop, which gthread's
  finish_request would stall for every connection of the worker meanwhile.

Where the event loop reads ahead it only decides when the connection goes to a thread: the
request is still parsed, and framed, by gunicorn's parser, from the same bytes. It serves
plain HTTP/1.1, as the pod does (TLS ends at the ALB): check_config refuses TLS and HTTP/2.
It builds on internals of gunicorn's gthread worker (enqueue_req, murder_pending, handle,
handle_request, TConn); the real-socket tests (apps/web/tests/test_server_limits.py) tell
whether a new gunicorn keeps them.
"""

import contextlib
import errno
import heapq
import itertools
import math
import re
import select
import selectors
import time
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

# What the event loop reads at a time, the most of a head it holds before a thread reads the
# rest within the head's deadline (gunicorn's limits permit heads of ~800 KB; browsers send a
# few KB), and the largest body it reads before the request goes to a thread (a form's).
EVENT_LOOP_READ_BYTES = 16 * 1024
EVENT_LOOP_HEAD_BYTES = 16 * 1024
EVENT_LOOP_BODY_BYTES = 16 * 1024
# One plain Content-Length header; any other framing goes to the parser at once.
CONTENT_LENGTH = re.compile(rb"\ncontent-length:[ \t]*([0-9]{1,12})[ \t]*\r\n", re.IGNORECASE)
OTHER_FRAMING = re.compile(rb"\n(?:transfer-encoding|expect)[ \t]*:", re.IGNORECASE)


@dataclass(frozen=True)
class SlowClientLimits:
    """The deadlines, with the gene API's names, bounds and production defaults."""

    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0
    min_body_bytes_per_second: int = 64 * 1024

    def __post_init__(self) -> None:
        if not 0 < self.header_timeout_seconds <= 300:
            raise ValueError(f"HEADER_TIMEOUT_SECONDS must be in (0, 300], not {self.header_timeout_seconds}")
        if not 0 < self.body_timeout_seconds <= 600:
            raise ValueError(f"BODY_TIMEOUT_SECONDS must be in (0, 600], not {self.body_timeout_seconds}")
        if not 1024 <= self.min_body_bytes_per_second <= 1024**3:
            rate = self.min_body_bytes_per_second
            raise ValueError(f"MIN_BODY_BYTES_PER_SECOND must be in [1024, {1024**3}], not {rate}")

    def seconds(self, phase: str) -> float:
        return self.header_timeout_seconds if phase == "headers" else self.body_timeout_seconds


class RequestTimeout(BaseException):
    """A request's head or body did not arrive in time: the request is cancelled."""

    def __init__(self, phase: str, seconds: float) -> None:
        super().__init__(f"request {phase} not received within {seconds:g} s")
        self.phase, self.seconds = phase, seconds


def timeout_answer(phase: str, seconds: float) -> bytes:
    body = f"408 Request Timeout: the request's {phase} did not arrive within {seconds:g} s\n".encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


def small_body_length(head: bytes) -> int | None:
    """The length of the body after `head` when it is one Content-Length of at most
    EVENT_LOOP_BODY_BYTES (0: no body); None for anything else (chunked, Expect, larger)."""
    if OTHER_FRAMING.search(head):
        return None
    lengths = set(CONTENT_LENGTH.findall(head))
    if not lengths:
        return 0
    if len(lengths) > 1 or int(next(iter(lengths))) > EVENT_LOOP_BODY_BYTES:
        return None
    return int(next(iter(lengths)))


class DeadlineSocket:
    """A connection's socket whose reads keep to the current request's deadline; writes keep
    to none. Bytes the event loop read ahead are read first. All else is the socket's own."""

    def __init__(self, sock, limits: SlowClientLimits) -> None:
        self.sock = sock
        self.limits = limits
        self.ahead = b""
        self.phase: str | None = None
        self.deadline: float | None = None
        self.body_started = 0.0
        self.body_bytes = 0
        self.wanted = 0  # bytes of `ahead` the event loop waits for: the head and a small body
        self.wait_id: int | None = None  # set while the event loop reads ahead
        self.registered = False  # with the event loop's poller, by this module
        self.responded = False  # a final response has started (an interim 100 Continue is a send())
        self.closed = False

    def __getattr__(self, name: str):
        return getattr(self.sock, name)

    def fileno(self) -> int:
        return self.sock.fileno()

    def arm(self, phase: str | None, deadline: float | None = None) -> None:
        now = time.monotonic()
        self.phase = phase
        if phase is None:
            self.deadline = None
            return
        self.deadline = deadline if deadline is not None else now + self.limits.seconds(phase)
        if phase == "headers":
            self.responded = False
        else:
            self.body_started, self.body_bytes = now, 0

    def body_arrived(self, count: int) -> None:
        """Push the body's deadline on while the body arrives fast enough on average."""
        self.body_bytes += count
        now = time.monotonic()
        if self.body_bytes >= self.limits.min_body_bytes_per_second * max(now - self.body_started, 1.0):
            self.deadline = now + self.limits.body_timeout_seconds

    def recv(self, size: int, flags: int = 0) -> bytes:
        if self.ahead:
            data, self.ahead = self.ahead[:size], self.ahead[size:]
            return data
        if self.deadline is None:
            return self.sock.recv(size, flags)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not self._readable_within(remaining):
            raise RequestTimeout(self.phase, self.limits.seconds(self.phase))
        data = self.sock.recv(size, flags)
        if self.phase == "body":
            self.body_arrived(len(data))
        return data

    def _readable_within(self, seconds: float) -> bool:
        poller = select.poll()  # not select(): descriptors past 1024
        poller.register(self.sock.fileno(), select.POLLIN)
        return bool(poller.poll(math.ceil(seconds * 1000)))

    def sendall(self, data, *args) -> None:
        self.responded = True
        self.sock.sendall(data, *args)

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        self.responded = True
        return self.sock.sendfile(file, offset, count)

    def setblocking(self, flag: bool) -> None:
        if not self.closed:  # gthread closes a connection that this module closed already
            self.sock.setblocking(flag)

    def close(self) -> None:
        self.closed = True
        self.sock.close()


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker with header and body deadlines (gunicorn_conf.py's worker_class)."""

    limits: ClassVar[SlowClientLimits] = SlowClientLimits()

    @classmethod
    def bounded_by(cls, limits: SlowClientLimits) -> type["BoundedThreadWorker"]:
        """This worker class, with these limits."""
        return type(cls.__name__, (cls,), {"limits": limits, "__module__": cls.__module__})

    @classmethod
    def check_config(cls, cfg, log) -> None:
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in cfg.http_protocols:
            raise RuntimeError(f"{cls.__name__} serves plain HTTP/1.1 only: end TLS and HTTP/2 before it")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The connections the event loop reads ahead, by deadline: (deadline, wait id, conn).
        self.waiting: list = []
        self.wait_ids = itertools.count()

    # --- In the event loop: a connection waits here until its request can be served at once.

    def enqueue_req(self, conn) -> None:
        """Every way a connection goes to a thread (new, kept alive and readable again, bytes
        of the next request read with a body) comes here first."""
        sock = conn.sock
        if not isinstance(sock, DeadlineSocket):  # a new connection: its deadline runs from now
            sock = conn.sock = DeadlineSocket(sock, self.limits)
        if conn.parser is not None:
            sock.ahead = conn.parser.unreader.take_buffered() + sock.ahead
        sock.arm("headers")
        self._wait_or_serve(conn, 0)

    def _wait_or_serve(self, conn, since: int) -> None:
        """Serve `conn` in a thread if its head, and its body when small, are in; else wait
        (`since`: how much of `ahead` was looked at already)."""
        sock = conn.sock
        if sock.phase == "headers":
            end = sock.ahead.find(b"\r\n\r\n", max(since - 3, 0))
            if end < 0:
                if len(sock.ahead) < EVENT_LOOP_HEAD_BYTES and b"\n\n" not in sock.ahead:
                    self._wait(conn)
                else:  # a long head, or a bare LF one the parser refuses
                    self._serve(conn)
                return
            length = small_body_length(sock.ahead[: end + 4])
            if not length:  # no body, or one a thread reads
                self._serve(conn)
                return
            sock.wanted = end + 4 + length
            sock.arm("body")
            sock.body_arrived(len(sock.ahead) - end - 4)
            sock.wait_id = None  # a new deadline
        if len(sock.ahead) >= sock.wanted:
            self._serve(conn)
        else:
            self._wait(conn)

    def _wait(self, conn) -> None:
        sock = conn.sock
        if not sock.registered:
            sock.setblocking(False)
            self.poller.register(sock, selectors.EVENT_READ, partial(self._read_ahead, conn))
            sock.registered = True
        if sock.wait_id is None:
            sock.wait_id = next(self.wait_ids)
            heapq.heappush(self.waiting, (sock.deadline, sock.wait_id, conn))

    def _stop_waiting(self, conn) -> None:
        sock = conn.sock
        sock.wait_id = None  # its entry in self.waiting is dropped when reached
        if sock.registered:
            self.poller.unregister(sock)
            sock.registered = False

    def _read_ahead(self, conn, _sock) -> None:
        sock = conn.sock
        try:
            data = sock.sock.recv(EVENT_LOOP_READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._stop_waiting(conn)
            self._close(conn)
            return
        before = len(sock.ahead)
        sock.ahead += data
        if sock.phase == "body":
            sock.body_arrived(len(data))
        self._wait_or_serve(conn, before)

    def _serve(self, conn) -> None:
        self._stop_waiting(conn)
        conn.data_ready = True  # else gthread's thread would wait for a first byte
        super().enqueue_req(conn)

    def murder_pending(self) -> None:
        """gthread's own, then: close the connections the event loop waited for too long (it
        calls this at least once a second)."""
        super().murder_pending()
        now = time.monotonic()
        while self.waiting and self.waiting[0][0] <= now:
            _, wait_id, conn = heapq.heappop(self.waiting)
            sock = conn.sock
            if sock.wait_id != wait_id:  # it was served, or went
                continue
            if sock.deadline > now:  # a body that kept arriving: its deadline moved on
                heapq.heappush(self.waiting, (sock.deadline, wait_id, conn))
                continue
            self._stop_waiting(conn)
            self._timed_out(sock.phase, self.limits.seconds(sock.phase))
            with contextlib.suppress(OSError):  # nothing came
                sock.sock.recv(EVENT_LOOP_READ_BYTES)  # what came since: unread, the close would be a reset
            with contextlib.suppress(OSError):  # its buffer is full or it is gone: closing is what matters
                sock.sock.send(timeout_answer(sock.phase, self.limits.seconds(sock.phase)))
            self._close(conn)

    def _close(self, conn) -> None:
        self.nr_conns -= 1
        util.close(conn.sock)

    def _timed_out(self, phase: str, seconds: float) -> None:
        self.log.info("connection closed (408): request %s not received within %g s", phase, seconds)

    # --- In a thread: the request is parsed from what the event loop read, then served.

    def handle_request(self, req, conn):
        conn.sock.arm("body")  # the head is parsed: the body's deadline runs from here
        return super().handle_request(req, conn)

    def handle(self, conn):
        sock = conn.sock
        try:
            keepalive = super().handle(conn)
        except RequestTimeout as timeout:
            self._timed_out(timeout.phase, timeout.seconds)
            if not sock.responded:
                with contextlib.suppress(OSError):  # it is gone: closing is what matters
                    sock.sock.sendall(timeout_answer(timeout.phase, timeout.seconds))
            keepalive = False
        finally:
            sock.arm(None)
        if not keepalive and not sock.closed:
            # Closed here, lingering for the client to read the answer, rather than by gthread's
            # finish_request in the event loop, which that lingering would block for up to 2 s
            # per client that does not close its end.
            try:
                sock.setblocking(True)
                util.close_graceful(sock)
            except OSError as error:
                if error.errno != errno.EBADF:
                    self.log.debug("closing a connection: %s", error)
        return keepalive
