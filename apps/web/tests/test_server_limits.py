"""The frontend's real server, started as production starts it (gunicorn with
gunicorn_conf.py, whose worker is server.py's), under slow clients over raw sockets on
loopback: slow heads and slow form bodies are cut off within their deadlines while pages
load, a body arriving fast enough may take longer than the body timeout, a trickle may not,
a silent connection is closed, clients that do not close their end stall no one, and none of
it is logged as an error. (Against gunicorn's plain gthread worker, GUNICORN_CMD_ARGS=
"--worker-class gthread", the tests of slow clients fail: pages time out, nothing is cut off.)"""

import asyncio
import contextlib
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from chr21_web.server import DeadlineSocket, RequestTimeout, SlowClientLimits
from gene_api.core.config import Settings
from tests.support.servers import answer_head, exchange, free_port, running

HEADER_TIMEOUT = 3.0
BODY_TIMEOUT = 2.0
MIN_BODY_RATE = 4096  # bytes per second
# Scheduling slack on a loaded 2-core machine, on top of a timeout (the worker looks at its
# deadlines at least once a second).
SLACK = 2.0
# More than the server's threads (WEB_WORKERS 2 x WEB_THREADS 8, the production defaults).
SLOW_CLIENTS = 24
PAGE_LOADS = 7
PAGE_TIMEOUT = 5.0
LOGIN = "/accounts/login/"
TIMED_OUT = '"message": "connection closed (408)'


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def collect_output(self) -> None:
        """Read the server's output as it comes (a full pipe would stop the server)."""

        def read() -> None:
            for line in iter(self.process.stdout.readline, b""):
                self.lines.append(line.decode(errors="replace"))

        threading.Thread(target=read, daemon=True).start()

    def output_since(self, mark: int) -> str:
        return "".join(self.lines[mark:])

    def assert_calm(self, mark: int, timeouts: int) -> None:
        """Since `mark`: `timeouts` lines saying a connection was closed with a 408, no more,
        and no traceback or ERROR line."""
        deadline = time.monotonic() + 10
        while self.output_since(mark).count(TIMED_OUT) < timeouts and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the server's log, with a deadline
        output = self.output_since(mark)
        assert output.count(TIMED_OUT) == timeouts, output
        assert "Traceback" not in output, output
        assert '"level": "ERROR"' not in output, output
        assert '"level": "CRITICAL"' not in output, output


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("web")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chr21_web.settings.base",
        "WEB_DATABASE_URL": f"sqlite:///{folder}/web.sqlite3",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "FILE_UPLOAD_TEMP_DIR": str(folder),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "API_URL": f"http://127.0.0.1:{free_port()}",  # no API: these pages do not call it
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port := free_port()),
        "WEB_METRICS_PORT": str(free_port()),
        "WEB_WORKERS": "2",
        "WEB_THREADS": "8",
        "WEB_LOG_LEVEL": "INFO",
        "HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
        "MIN_BODY_BYTES_PER_SECOND": str(MIN_BODY_RATE),
    }
    (folder / "metrics").mkdir()
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        done = subprocess.run(
            [sys.executable, "-m", "chr21_web.manage", *command], env=env, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:chr21_web.gunicorn_conf", "chr21_web.wsgi"]
    with running(argv, env, f"http://127.0.0.1:{port}/healthz") as process:
        server = Server(port, process)
        server.collect_output()
        yield server


@pytest.fixture(scope="module")
def form(server) -> tuple[str, str]:
    """The log-in form's CSRF cookie and token, as a browser has them after loading the form."""
    page = httpx.get(server.base + LOGIN)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return page.cookies["csrftoken"], token[1]


def login_head(cookie: str, length: int) -> bytes:
    return (
        f"POST {LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: csrftoken={cookie}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def login_body(token: str, length: int) -> bytes:
    """A log-in form of `length` bytes: a wrong password, padded."""
    body = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong&pad=".encode()
    return body + b"a" * (length - len(body))


@pytest.mark.parametrize("slow", ["headers", "body"])
def test_slow_clients_do_not_stop_page_loads_and_are_cut_off(server, form, slow):
    """The incident: clients sending a header line a second (or a log-in form's body a few
    bytes a second), more of them than the server has threads, while visitors load a page."""
    cookie, token = form
    if slow == "headers":
        start, timeout = f"GET {LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode(), HEADER_TIMEOUT
        pieces = [b"X-Slow-%d: a\r\n" % n for n in range(100)]
    else:
        body = login_body(token, 500)
        start, timeout = login_head(cookie, len(body)) + body[:20], BODY_TIMEOUT
        pieces = [body[n : n + 3] for n in range(20, len(body), 3)]
    mark = len(server.lines)
    connected = 0
    all_connected = asyncio.Event()

    async def slow_client() -> tuple[float, float, bytes]:
        nonlocal connected
        # From before the connection: the server's clock starts when it accepts it, and on a busy
        # machine this task may resume well after that.
        started = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(start)
        await writer.drain()
        connected += 1
        if connected == SLOW_CLIENTS:
            all_connected.set()
        received, more = b"", iter(pieces)
        while time.monotonic() - started < timeout + 10:  # else never cut off: the assertions fail
            try:
                # One piece a second, the client's pace, for as long as the server listens.
                chunk = await asyncio.wait_for(reader.read(4096), timeout=1.0)
            except TimeoutError:
                try:
                    writer.write(next(more))
                    await writer.drain()
                except ConnectionError:
                    break
                continue
            except ConnectionError:
                break
            if not chunk:
                break
            received += chunk
        ended = time.monotonic()
        writer.close()
        return started, ended, received

    async def page_load() -> tuple[int | None, float]:
        async with httpx.AsyncClient(base_url=server.base, timeout=PAGE_TIMEOUT) as client:
            try:
                status = (await client.get(LOGIN)).status_code
            except httpx.TimeoutException:
                status = None
        return status, time.monotonic()

    async def scenario():
        slow = [asyncio.create_task(slow_client()) for _ in range(SLOW_CLIENTS)]
        await asyncio.wait_for(all_connected.wait(), timeout=10)
        loads = await asyncio.gather(*(page_load() for _ in range(PAGE_LOADS)))
        return await asyncio.gather(*slow), loads

    clients, loads = asyncio.run(scenario())
    assert [status for status, _ in loads] == [200] * PAGE_LOADS
    held = sorted(ended - started for started, ended, _ in clients)
    print(f"{SLOW_CLIENTS} slow {slow} held {held[0]:.2f}-{held[-1]:.2f} s (timeout {timeout} s)")
    # The pages did not wait for the slow clients to be cut off: they hold no thread.
    assert max(done for _, done in loads) < min(ended for _, ended, _ in clients)
    assert held[0] >= timeout * 0.9
    assert held[-1] <= timeout + SLACK, f"a slow client was held {held[-1]:.1f} s"
    for _, _, received in clients:
        assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), received[:200]
        assert f"the request's {slow} did not arrive within {timeout:g} s".encode() in received
    server.assert_calm(mark, timeouts=SLOW_CLIENTS)


def paced_body(
    server: Server, cookie: str, token: str, length: int, chunk: int, every: float, seconds: float
) -> tuple[bytes, float]:
    """Send a log-in form of `length` bytes, `chunk` bytes every `every` s for `seconds`, then
    the rest at once, unless the server answers first; what came back (up to the end of the
    answer's head) and when it came."""
    body = login_body(token, length)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(BODY_TIMEOUT + 10)
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(login_head(cookie, length))
            while time.monotonic() - started < seconds:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server answered (or closed) before the whole body
                sock.sendall(body[sent : sent + chunk])
                sent += chunk
                time.sleep(every)  # the client's pace: the condition under test
            else:
                sock.sendall(body[sent:])
        received = answer_head(sock)
    return received, time.monotonic() - started


# A form's body is read by the worker's event loop; an upload's (over 16 KiB) by a thread.
# The form's pace (7,000 bytes/s) stays above MIN_BODY_RATE with a margin for a busy machine,
# which stretches each 0.1 s pause; its 16,000 bytes still take longer than BODY_TIMEOUT.
SIZES = pytest.mark.parametrize(("length", "chunk"), [(16_000, 700), (200_000, 1000)], ids=["form", "large"])


@SIZES
def test_a_body_arriving_fast_enough_may_take_longer_than_the_body_timeout(server, form, length, chunk):
    # `chunk` bytes every 0.1 s is 7,000 or 10,000 bytes/s, above MIN_BODY_RATE: not cut off.
    mark = len(server.lines)
    raw, took = paced_body(server, *form, length, chunk, 0.1, BODY_TIMEOUT + 0.5)
    assert took > BODY_TIMEOUT
    # Django read it all and answered: the form again, saying the password is wrong.
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n"), raw[:200]
    server.assert_calm(mark, timeouts=0)


@SIZES
def test_a_body_trickling_below_the_rate_is_cut_off(server, form, length, chunk):
    # 100 bytes every 0.1 s is ~1,000 bytes/s, below MIN_BODY_RATE: 408 at the body timeout.
    mark = len(server.lines)
    raw, took = paced_body(server, *form, length, 100, 0.1, BODY_TIMEOUT + 10)
    assert raw.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), raw[:200]
    assert BODY_TIMEOUT * 0.9 <= took <= BODY_TIMEOUT + SLACK
    server.assert_calm(mark, timeouts=1)


def test_a_connection_that_sends_nothing_is_closed(server):
    mark = len(server.lines)
    started = time.monotonic()
    raw, closed = exchange(server.port, b"", timeout=HEADER_TIMEOUT + 10)
    assert closed
    assert HEADER_TIMEOUT * 0.9 <= time.monotonic() - started <= HEADER_TIMEOUT + SLACK
    assert raw.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), raw[:200]
    server.assert_calm(mark, timeouts=1)


def test_a_kept_alive_connection_gets_a_new_deadline_for_each_request(server):
    """Two requests on one connection, each slower than half the header timeout but within it,
    and the connection's life longer than the header timeout: both are answered."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(HEADER_TIMEOUT + 10)
        for _ in range(2):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            time.sleep(HEADER_TIMEOUT * 0.6)  # the client's pace: the condition under test
            sock.sendall(b"\r\n")
            answer = b""
            # The end of the chunked body, after the head (whose last header may end in "0").
            while not answer.partition(b"\r\n\r\n")[2].endswith(b"0\r\n\r\n"):
                part = sock.recv(65536)
                assert part, answer
                answer += part
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200]


def test_clients_that_do_not_close_their_end_do_not_stall_the_others(server):
    """After a `Connection: close` answer the server lingers for the client to close its end
    (up to 2 s, so that the answer is not lost to a reset): in the thread that served it, not
    in the event loop every connection of the worker waits on. (Fewer of them than a worker
    has threads: each holds one while it lingers.)"""
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(6)]
    try:
        for sock in held:
            sock.settimeout(10)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert held[0].recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")  # the server lingers by now
        for _ in range(3):
            started = time.monotonic()
            assert httpx.get(server.base + "/healthz", timeout=PAGE_TIMEOUT).status_code == 200
            assert time.monotonic() - started < 1.0
    finally:
        for sock in held:
            sock.close()


def test_writing_an_answer_keeps_to_no_read_deadline():
    """What the server writes is not cut off by the request's deadline, however slowly the
    client reads (a download), with the deadline long past; reading keeps to it."""
    limits = SlowClientLimits(
        header_timeout_seconds=0.1, body_timeout_seconds=0.1, min_body_bytes_per_second=1024
    )
    ours, theirs = socket.socketpair()
    with ours, theirs:
        sock = DeadlineSocket(ours, limits)
        sock.arm("body")
        answer = b"x" * (4 * 1024 * 1024)  # far more than a socket pair buffers
        writer = threading.Thread(target=sock.sendall, args=(answer,))
        writer.start()
        theirs.settimeout(10)
        received, started = 0, time.monotonic()
        while time.monotonic() - started < 1.0:
            received += len(theirs.recv(16 * 1024))
            time.sleep(0.05)  # the reader's pace, for ten times the deadline: the condition under test
        assert writer.is_alive(), "the answer was still being written, past the deadline"
        while received < len(answer):
            received += len(theirs.recv(1024 * 1024))
        writer.join(timeout=10)
        assert not writer.is_alive()
        assert received == len(answer)
        with pytest.raises(RequestTimeout, match=r"request body not received within 0\.1 s"):
            sock.recv(1)


def test_limits_out_of_bounds_are_refused():
    for wrong in (
        {"header_timeout_seconds": 0},
        {"header_timeout_seconds": 301},
        {"body_timeout_seconds": 601},
        {"min_body_bytes_per_second": 1023},
    ):
        with pytest.raises(ValueError, match=r"_(SECONDS|SECOND) must be in"):
            SlowClientLimits(**wrong)


def test_the_production_defaults_are_the_gene_apis(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HEADER_TIMEOUT_SECONDS", "BODY_TIMEOUT_SECONDS", "MIN_BODY_BYTES_PER_SECOND")
        and not k.startswith("PROMETHEUS_")
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chr21_web import gunicorn_conf as g; l = g.slow_client_limits; "
            "print(l.header_timeout_seconds, l.body_timeout_seconds, l.min_body_bytes_per_second, "
            "g.worker_class.limits is l, g.keepalive)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    header, body, rate, used, keepalive = shown.stdout.split()
    api = Settings.model_fields
    # Past the ALB's idle timeout (60 s, which the Ingresses leave as it is), as the API's.
    assert int(keepalive) == api["keepalive_seconds"].default > 60
    assert float(header) == api["header_timeout_seconds"].default
    assert float(body) == api["body_timeout_seconds"].default
    assert int(rate) == api["min_body_bytes_per_second"].default
    assert used == "True"
