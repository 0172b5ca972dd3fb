"""JSON logs, one object a line, each carrying the request id of the request being served: the
format of every process's logs (the frontend, the gene API, the worker), so that one id finds a
request's lines in all three.

The id follows one request across the platform: the frontend keeps the client's X-Request-ID
when valid (else makes one) and sends it on, the API keeps it (or makes one), and hands it to
the job's runner (jobs/queue.py), whose log lines carry it too.

No Django and no web framework here: gunicorn's master reads `logging_config` before any app
is set up.
"""

import logging
import logging.config
import re
import uuid
from contextvars import ContextVar

NO_REQUEST_ID = "-"  # logged outside any request
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST_ID)
# A request id from outside (a client, a broker message) is kept only if short and plain.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id_or_new(given: object) -> str:
    """`given` when it is a valid request id, else a new one."""
    return given if isinstance(given, str) and VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def logging_config(level: str) -> dict:
    """The dictConfig of every process and of its gunicorn (logconfig_dict), so every line is
    JSON."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            # Each app's middleware writes one access line per request with its id and duration.
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "uvicorn.error": {"level": level, "handlers": ["stdout"], "propagate": False},
            "gunicorn.error": {"level": level, "handlers": ["stdout"], "propagate": False},
            # A line per call to the API (the frontend's client): the API's own access line,
            # with the same id, says it all.
            "httpx": {"level": "WARNING"},
        },
    }


def configure_logging(level: str) -> None:
    logging.config.dictConfig(logging_config(level))
    # Warnings (a library's deprecation, Celery's running-as-root) as JSON lines too.
    logging.captureWarnings(True)
