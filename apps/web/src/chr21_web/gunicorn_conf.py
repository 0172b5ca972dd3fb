"""gunicorn's settings for the frontend, from the environment: what `make run` and the
container both start (`gunicorn --config python:chr21_web.gunicorn_conf chr21_web.wsgi`)."""

import os
import sys
import tempfile
from pathlib import Path

from chr21_common.logs import logging_config
from chr21_web.server import BoundedThreadWorker, SlowClientLimits

host = os.environ.get("WEB_HOST", "127.0.0.1")
port = int(os.environ.get("WEB_PORT", "8000"))
metrics_port = int(os.environ.get("WEB_METRICS_PORT", "9000"))

bind = f"{host}:{port}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# Threads: a page mostly waits for the API, and an upload arrives for minutes; in a thread
# neither stops the worker's heartbeat, so `timeout` restarts only a worker that hangs.
# gunicorn's gthread worker with deadlines for slow clients (server.py): a request's head is
# read without a thread, within HEADER_TIMEOUT_SECONDS; its body within BODY_TIMEOUT_SECONDS,
# pushed on while it arrives at MIN_BODY_BYTES_PER_SECOND or more (an upload); else 408.
# The gene API's names and defaults.
slow_client_limits = SlowClientLimits(
    header_timeout_seconds=float(os.environ.get("HEADER_TIMEOUT_SECONDS", "10")),
    body_timeout_seconds=float(os.environ.get("BODY_TIMEOUT_SECONDS", "30")),
    min_body_bytes_per_second=int(os.environ.get("MIN_BODY_BYTES_PER_SECOND", "65536")),
)
worker_class = BoundedThreadWorker.bounded_by(slow_client_limits)
threads = int(os.environ.get("WEB_THREADS", "8"))
# Idle keep-alive connections (held by the event loop, no thread) outlive the ALB's 60 s idle
# timeout, as the API's do: the ALB closes them first. Shorter, the ALB could send a request
# on a connection the pod is closing, and answer it 502.
keepalive = 75
timeout = 30
# Seconds a worker gets to finish its requests after SIGTERM (the chart derives the pod's
# terminationGracePeriodSeconds from it).
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))
# JSON lines, as Django's (chr21_common/logs.py); the access lines are RequestContextMiddleware's.
logconfig_dict = logging_config(os.environ.get("WEB_LOG_LEVEL", "INFO"))
# The root filesystem is read-only in the cluster; heartbeat files go to the /tmp emptyDir.
worker_tmp_dir = tempfile.gettempdir()
# Gunicorn's control socket lives in $HOME: one per user, so a second server would take it,
# and a read-only root filesystem has none.
control_socket_disable = True

# Metrics of all workers are added up from files in one folder (one per port, so two servers
# on one machine keep apart); set before the workers import prometheus_client, emptied at
# every start, as prometheus_client requires.
metrics_dir = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"{tempfile.gettempdir()}/chr21-web-metrics-{port}")
)


def on_starting(server) -> None:
    metrics_dir.mkdir(parents=True, exist_ok=True)
    # Only prometheus_client's own files: the folder may be one the operator chose.
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()


metrics_server = None


def when_ready(server) -> None:
    """Serve every worker's metrics from the master on WEB_METRICS_PORT (never routed by the Ingress)."""
    global metrics_server
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    try:
        metrics_server, _ = start_http_server(metrics_port, addr=host, registry=registry)
    except OSError as error:
        server.log.error("cannot serve metrics on port %s: %s (set WEB_METRICS_PORT)", metrics_port, error)
        sys.exit(1)
    server.log.info("metrics on http://%s:%s/metrics", host, metrics_port)


def post_fork(server, worker) -> None:
    # A worker must not hold the master's metrics socket: it would keep the port bound after the master.
    if metrics_server is not None:
        metrics_server.socket.close()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
