"""Gunicorn settings of the production command (`gene-api serve`), all derived from Settings.

Why gunicorn with uvicorn workers rather than bare uvicorn: gunicorn restarts a worker
that dies or hangs (timeout), drains in-flight requests on SIGTERM within
graceful_timeout (Kubernetes sends SIGTERM on every rollout), and runs
WEB_CONCURRENCY workers so one pod uses its CPU limit. Uvicorn serves HTTP inside each worker.
"""

import os
import tempfile

from gene_api.core.config import get_settings
from gene_api.core.logging import logging_config

settings = get_settings()

bind = f"{settings.api_host}:{settings.api_port}"
workers = settings.web_concurrency
worker_class = "uvicorn_worker.UvicornWorker"
graceful_timeout = settings.graceful_timeout
timeout = 60
keepalive = 5
# Each worker gets its own listening socket (SO_REUSEPORT): the kernel spreads connections
# evenly, where a shared socket lets one worker take most of them.
reuse_port = True
logconfig_dict = logging_config(settings.log_level)
# The root filesystem is read-only in the cluster; heartbeat files go to the /tmp emptyDir.
worker_tmp_dir = tempfile.gettempdir()
# Gunicorn's control socket lives in $HOME, which a read-only root filesystem has not got.
control_socket_disable = True
# Metrics of all workers are added up from files in one folder, new at every start.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="gene-api-metrics-"))


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
