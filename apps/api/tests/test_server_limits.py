"""The real server (`gene-api serve`: gunicorn, its uvicorn workers, server.py's protocol)
under hostile clients, over raw sockets on loopback: slow clients are cut off within the
configured timeouts while others are served, bodies past the limit are refused without
being held, ambiguous framing is refused, the connection cap holds, and no request grows
the metrics."""

import asyncio
import contextlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from chr21_common.db import make_engine
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.seed import seed
from tests.support.jobs import TEST_SIGNING_KEY, bearer
from tests.support.servers import answer_head, exchange, free_port, running

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
# Scheduling slack on a loaded 2-core machine, on top of a timeout.
SLACK = 2.0
MIN_BODY_RATE = 4096  # bytes per second
SLOW_CLIENTS = 200
# The start of a batch request; each test adds its framing headers.
BATCH = b"POST /genes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


class Server:
    def __init__(self, port: int, metrics_port: int, process, metrics_dir: Path) -> None:
        self.port, self.metrics_port, self.process, self.metrics_dir = (
            port,
            metrics_port,
            process,
            metrics_dir,
        )
        self.base = f"http://127.0.0.1:{port}"

    def pids(self) -> list[int]:
        """The master and its workers."""
        found = [self.process.pid]
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if f"\nPPid:\t{self.process.pid}\n" in text:
                found.append(int(status.parent.name))
        return found

    def rss_kib(self) -> int:
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total


def serve(database_url: str, tmp: Path, **settings: str) -> Iterator[Server]:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "API_PORT": str(port),
        "METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    argv = [sys.executable, "-m", "gene_api.cli", "serve"]
    with running(argv, env, f"http://127.0.0.1:{port}/readyz") as process:
        yield Server(port, metrics_port, process, tmp)


@pytest.fixture(scope="module")
def database_url(databases) -> str:
    """One PostgreSQL database, as in production: these tests are about the server, not the backend."""
    url = databases.new("postgresql")
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    seed(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory) -> Iterator[Server]:
    yield from serve(
        database_url,
        tmp_path_factory.mktemp("metrics"),
        WEB_CONCURRENCY="2",
        HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT),
        BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
        MIN_BODY_BYTES_PER_SECOND=str(MIN_BODY_RATE),
    )


def status_and_problem(raw: bytes) -> tuple[int, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/problem+json", head
    assert "server" not in headers
    return int(lines[0].split()[1]), json.loads(body)


def test_slow_clients_are_cut_off_while_others_are_served(server):
    async def slow_client() -> tuple[float, bytes]:
        # From before the connection: the server's clock starts when it accepts it, and on a busy
        # machine this task may resume well after that.
        started = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        received = b""
        # One header byte every 0.5 s, for as long as the server keeps listening.
        while not reader.at_eof():
            try:
                received += await asyncio.wait_for(reader.read(4096), timeout=0.5)
            except TimeoutError:
                try:
                    writer.write(b"a")
                    await writer.drain()
                except ConnectionError:
                    break
            except ConnectionError:
                break
            if time.monotonic() - started > HEADER_TIMEOUT + 10:
                break  # never cut off: the assertion below fails
        writer.close()
        return time.monotonic() - started, received

    async def others_meanwhile() -> list[int]:
        await asyncio.sleep(HEADER_TIMEOUT / 4)  # the slow clients are connected by now
        async with httpx.AsyncClient(base_url=server.base) as client:
            statuses = []
            for _ in range(20):
                statuses.append((await client.get("/genes/ENSG00000142192")).status_code)
            return statuses

    async def scenario():
        slow = [asyncio.create_task(slow_client()) for _ in range(SLOW_CLIENTS)]
        served = await others_meanwhile()
        return await asyncio.gather(*slow), served

    results, served = asyncio.run(scenario())
    assert served == [200] * 20
    held = sorted(seconds for seconds, _ in results)
    print(f"{SLOW_CLIENTS} slow clients held {held[0]:.2f}-{held[-1]:.2f} s (timeout {HEADER_TIMEOUT} s)")
    assert held[-1] <= HEADER_TIMEOUT + SLACK, f"longest slow client held {held[-1]:.1f} s"
    assert held[0] >= HEADER_TIMEOUT * 0.9
    status, problem = status_and_problem(results[0][1])
    assert status == 408
    assert "headers" in problem["detail"]


def test_a_slow_body_is_cut_off(server):
    started = time.monotonic()
    head = BATCH + b"Content-Length: 50\r\n\r\n"
    raw, closed = exchange(server.port, head + b'{"ids": [', timeout=BODY_TIMEOUT + 10)
    assert closed
    assert time.monotonic() - started <= BODY_TIMEOUT + SLACK
    assert status_and_problem(raw)[0] == 408


def paced_body(port: int, chunk: bytes, every: float, seconds: float, length: int) -> tuple[bytes, float]:
    """Send a batch body of `length` bytes, `chunk` every `every` s for `seconds`, then the
    rest at once; what came back and when the connection ended."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(BODY_TIMEOUT + 10)
        sock.sendall(BATCH + f"Content-Length: {length}\r\n\r\n".encode() + b'{"names": [')
        sent = len(b'{"names": [')
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while time.monotonic() - started < seconds:
                sock.sendall(chunk)
                sent += len(chunk)
                time.sleep(every)  # the client's pace: the condition under test
            sock.sendall(b" " * (length - sent - 2) + b"]}")
        received = answer_head(sock)
    return received, time.monotonic() - started


def test_a_body_arriving_fast_enough_may_take_longer_than_the_body_timeout(server):
    # 1,000 bytes every 0.1 s is ~10,000 bytes/s, above MIN_BODY_RATE: not cut off.
    raw, took = paced_body(server.port, b" " * 1000, 0.1, BODY_TIMEOUT + 1.5, length=200_000)
    assert took > BODY_TIMEOUT
    assert raw.startswith(b"HTTP/1.1 200"), raw[:100]  # the app read it all and answered


def test_a_body_trickling_below_the_rate_is_cut_off(server):
    # 100 bytes every 0.1 s is ~1,000 bytes/s, below MIN_BODY_RATE: 408 at the body timeout.
    raw, took = paced_body(server.port, b" " * 100, 0.1, BODY_TIMEOUT + 3, length=200_000)
    assert status_and_problem(raw)[0] == 408
    assert took <= BODY_TIMEOUT + 3 + SLACK


def test_a_connection_that_sends_nothing_is_closed(server):
    started = time.monotonic()
    raw, closed = exchange(server.port, b"", timeout=HEADER_TIMEOUT + 10)
    assert closed
    assert time.monotonic() - started <= HEADER_TIMEOUT + SLACK
    assert status_and_problem(raw)[0] == 408


def test_content_length_with_transfer_encoding_is_refused_and_the_connection_closed(server):
    smuggled = b"GET /genes/ENSG00000142192 HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b'{"ids": []}'
    request = (
        b"POST /genes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n"
        % (len(body), len(body), body)
    )
    raw, closed = exchange(server.port, request + smuggled)
    assert closed
    assert raw.count(b"HTTP/1.1 ") == 1, "the request after it must not be served"
    status, problem = status_and_problem(raw)
    assert status == 400
    assert "Transfer-Encoding" in problem["detail"]


def test_malformed_requests_get_a_problem_document(server):
    for garbage in (b"\x00\x01\x02 nonsense\r\n\r\n", b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"):
        raw, closed = exchange(server.port, garbage)
        assert closed
        assert status_and_problem(raw)[0] == 400


def test_a_long_query_or_accept_gets_a_short_answer(server):
    for request, status in (
        (b"GET /genes?gene_type=" + b"g" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /genes HTTP/1.1\r\nHost: x\r\nAccept: x/" + b"a" * 80_000 + b"\r\n\r\n", 431),
        (
            b"GET /genes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: x/" + b"a" * 8_000 + b"\r\n\r\n",
            406,
        ),
    ):
        raw, closed = exchange(server.port, request)
        assert closed
        assert status_and_problem(raw)[0] == status
        assert len(raw) < 2_000


def send_in_background(port: int, head: bytes, body_bytes: int) -> tuple[threading.Thread, list[bytes]]:
    """Send a request whose body is `body_bytes` long, in 64 KiB pieces; collect the answer."""
    answer: list[bytes] = []

    def run() -> None:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.settimeout(30)
            piece = b"[" * 65536
            try:
                sock.sendall(head)
                for _ in range(body_bytes // len(piece)):
                    sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                while chunk := sock.recv(65536):
                    answer.append(chunk)
            except (ConnectionResetError, TimeoutError):
                pass

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_20_mb_body_is_refused_without_being_held(server, framing):
    size = 20 * 1024 * 1024
    head = BATCH
    if framing == "content-length":
        head += b"Content-Length: %d\r\n\r\n" % size
    else:
        head += b"Transfer-Encoding: chunked\r\n\r\n10000\r\n"  # one 64 KiB chunk size line, then raw bytes
    before = server.rss_kib()
    thread, answer = send_in_background(server.port, head, size)
    thread.join(timeout=60)
    assert not thread.is_alive()
    grown_mib = (server.rss_kib() - before) / 1024
    print(f"20 MiB body, {framing}: server RSS grew by {grown_mib:.1f} MiB")  # shown with -s
    status, _ = status_and_problem(b"".join(answer))
    assert status in (413, 400)  # chunked: 413 once past the limit, or 400 at the first bad chunk line
    assert grown_mib < 10, f"the server grew by {grown_mib:.1f} MiB for a 20 MiB body"
    assert httpx.get(f"{server.base}/healthz").status_code == 200


def test_a_chunked_body_past_the_limit_is_413(server):
    piece = b" " * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(8))  # 512 KiB > 256 KiB
    head = BATCH + b"Transfer-Encoding: chunked\r\n\r\n"
    raw, closed = exchange(server.port, head + chunks + b"0\r\n\r\n")
    assert closed
    status, problem = status_and_problem(raw)
    assert status == 413
    assert "at most" in problem["detail"]


def test_made_up_methods_do_not_grow_the_metrics(server):
    def metrics_size() -> tuple[int, int]:
        text = httpx.get(f"http://127.0.0.1:{server.metrics_port}/metrics").text
        on_disk = sum(f.stat().st_size for f in server.metrics_dir.glob("*.db"))
        return text.count("http_requests_total{"), on_disk

    # Every label combination the loop below can reach, once: "other" method, that route, 4xx.
    exchange(server.port, b"WARMUP /genes/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    series, disk = metrics_size()
    for n in range(200):
        exchange(server.port, b"MADEUP%d /genes/%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % (n, n))
    assert metrics_size() == (series, disk)


@pytest.fixture(scope="module")
def capped_server(database_url, tmp_path_factory) -> Iterator[Server]:
    yield from serve(
        database_url, tmp_path_factory.mktemp("metrics"), WEB_CONCURRENCY="1", MAX_CONNECTIONS_PER_WORKER="5"
    )


def test_a_connection_over_the_cap_gets_503_at_once(capped_server):
    held = [socket.create_connection(("127.0.0.1", capped_server.port)) for _ in range(5)]
    try:
        started = time.monotonic()
        raw, closed = exchange(capped_server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert closed
        assert time.monotonic() - started < SLACK
        assert status_and_problem(raw)[0] == 503
    finally:
        for sock in held:
            sock.close()
    # Once they are gone, connections are served again.
    with httpx.Client(base_url=capped_server.base) as client:
        deadline = time.monotonic() + 10
        while client.get("/healthz").status_code != 200:  # the server notices the closes
            assert time.monotonic() < deadline


@pytest.fixture(scope="module")
def jobs_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jobs")


@pytest.fixture(scope="module")
def jobs_server(database_url, jobs_folder, tmp_path_factory) -> Iterator[Server]:
    """The server with the jobs API on, logging its access lines."""
    folder = jobs_folder
    yield from serve(
        database_url,
        tmp_path_factory.mktemp("metrics"),
        WEB_CONCURRENCY="1",
        LOG_LEVEL="INFO",
        TOKEN_SIGNING_KEY=TEST_SIGNING_KEY,
        UPLOADS_LOCATION=str(folder / "uploads"),
        RESULTS_LOCATION=str(folder / "results"),
        BROKER_FOLDER=str(folder / "broker"),
    )


def requests_counted(server: Server, method: str, route: str) -> dict[str, float]:
    """http_requests_total of one route, by status class."""
    text = httpx.get(f"http://127.0.0.1:{server.metrics_port}/metrics").text
    return {
        sample.labels["status"]: sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "http_requests"
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels["method"] == method
        and sample.labels["route"] == route
    }


def test_a_client_gone_mid_upload_is_counted_as_499_not_as_a_server_error(jobs_server, jobs_folder):
    """It declares 100 kB, sends 1 kB and closes: logged as 499 (no traceback), counted in the
    4xx class the 5xx alerts do not read, and nothing of it is kept."""
    os.set_blocking(jobs_server.process.stdout.fileno(), False)
    before = requests_counted(jobs_server, "POST", "/jobs")
    part = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bed"\r\n\r\n'
        + b"chr21\t1\t2\n" * 100
    )
    head = (
        b"POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        b"Authorization: " + bearer()["Authorization"].encode() + b"\r\nContent-Length: 100000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", jobs_server.port)) as sock:
        sock.sendall(head + part)
    output, deadline = b"", time.monotonic() + 20
    while b'"status": 499' not in output and time.monotonic() < deadline:
        output += jobs_server.process.stdout.read() or b""
        time.sleep(0.05)  # polling the server's log, with a deadline
    assert b'"status": 499' in output, output.decode(errors="replace")
    assert b"unhandled error" not in output
    assert b"Traceback" not in output
    after = requests_counted(jobs_server, "POST", "/jobs")
    assert after.get("4xx", 0) == before.get("4xx", 0) + 1
    assert after.get("5xx", 0) == before.get("5xx", 0) == 0
    assert not [path for path in (jobs_folder / "uploads").rglob("*") if path.is_file()]
