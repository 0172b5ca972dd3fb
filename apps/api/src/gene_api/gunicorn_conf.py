"""Gunicorn settings of the production command (`gene-api serve`), all derived from Settings.

Why gunicorn with uvicorn workers rather than bare uvicorn: gunicorn restarts a worker
that dies or hangs (timeout), drains in-flight requests on SIGTERM within
graceful_timeout (Kubernetes sends SIGTERM on every rollout), and runs
WEB_CONCURRENCY workers so one pod uses its CPU limit. Uvicorn serves HTTP inside each worker.
"""

import os
import sys
import tempfile
from pathlib import Path

from chr21_common.logs import logging_config
from gene_api.core.config import get_settings

settings = get_settings()

bind = f"{settings.api_host}:{settings.api_port}"
workers = settings.web_concurrency
# Uvicorn inside each worker, with header/body deadlines and a connection cap (server.py).
worker_class = "gene_api.server.ApiWorker"
graceful_timeout = settings.graceful_timeout
timeout = 60
keepalive = settings.keepalive_seconds
# Each worker gets its own listening socket (SO_REUSEPORT): the kernel spreads connections
# evenly, where a shared socket lets one worker take most of them.
reuse_port = True
logconfig_dict = logging_config(settings.log_level)
# The root filesystem is read-only in the cluster; heartbeat files go to the /tmp emptyDir.
worker_tmp_dir = tempfile.gettempdir()
# Gunicorn's control socket lives in $HOME, which a read-only root filesystem has not got.
control_socket_disable = True
# Metrics of all workers are added up from files in one folder (one per port, so two servers
# on one machine keep apart); emptied at every start, as prometheus_client requires.
metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", f"{tempfile.gettempdir()}/gene-api-metrics-{settings.api_port}"
    )
)


def on_starting(server) -> None:
    metrics_dir.mkdir(parents=True, exist_ok=True)
    # Only prometheus_client's own files: the folder may be one the operator chose.
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()


metrics_server = None


def when_ready(server) -> None:
    """Serve every worker's metrics from the master on METRICS_PORT (never routed by the Ingress)."""
    global metrics_server
    from prometheus_client import start_http_server

    from chr21_common.db import make_scrape_engine
    from gene_api.core.metrics import multiprocess_registry

    try:
        metrics_server, _ = start_http_server(
            settings.metrics_port,
            addr=settings.api_host,
            registry=multiprocess_registry(make_scrape_engine(settings)),
        )
    except OSError as error:
        server.log.error(
            "cannot serve metrics on port %s: %s (set METRICS_PORT)", settings.metrics_port, error
        )
        sys.exit(1)
    server.log.info("metrics on http://%s:%s/metrics", settings.api_host, settings.metrics_port)


def post_fork(server, worker) -> None:
    # A worker must not hold the master's metrics socket: it would keep the port bound after the master.
    if metrics_server is not None:
        metrics_server.socket.close()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
