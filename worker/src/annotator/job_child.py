"""What runs in a job's own process (job_process.py), forked from the worker's fork server,
which imported this module, and so the whole pipeline, once for every job."""

import logging
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing import connection

# Loaded in the fork server for every job: the databases' dialects and the plotting library
# (outputs.py imports it when it first draws), a second or more each otherwise.
import matplotlib
from sqlalchemy.dialects import postgresql, sqlite  # noqa: F401

from annotator import metrics
from annotator.cli import EXIT_TRANSIENT
from annotator.config import WorkerSettings
from annotator.genes import GeneSource
from annotator.runner import PastTimeLimit, Transient, celery_places, run_job
from chr21_common.db import make_engine
from chr21_common.jobs.services import JobServices
from chr21_common.logs import configure_logging, request_id_var

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: F401 -- after choosing the backend

log = logging.getLogger("annotator.job_child")


def main(settings: WorkerSettings, job_id: str, request_id: str, slot: int) -> None:
    """A job's process: die with the worker, stop at the soft time limit, run the job."""
    parent = multiprocessing.parent_process()
    threading.Thread(target=die_with, args=(parent.sentinel,), name="watch-worker", daemon=True).start()
    metrics.use_slot(slot)
    configure_logging(settings.log_level)
    request_id_var.set(request_id)

    def past_time_limit(signum, frame):
        raise PastTimeLimit()

    signal.signal(signal.SIGALRM, past_time_limit)
    signal.alarm(settings.job_soft_time_limit_seconds)
    engine = make_engine(settings)
    services = JobServices.from_settings(settings, engine)
    try:
        run_job(job_id, services, GeneSource(engine), *celery_places(services, job_id), settings.work_folder)
    except Transient:
        sys.exit(EXIT_TRANSIENT)
    except Exception as error:
        # A fault of ours, not the user's nor the machine's: running it again would fail the
        # same way. The job fails with its name; the traceback is in this JSON log line.
        log.exception("job %s: the worker failed on it", job_id)
        services.jobs.fail(
            job_id, f"the worker failed on this job ({type(error).__name__}); on-call can read why"
        )
    finally:
        engine.dispose()


def die_with(sentinel: int) -> None:
    """Block until the worker's process is gone (its end of the pipe closed): then die too."""
    connection.wait([sentinel])
    os.kill(os.getpid(), signal.SIGKILL)
