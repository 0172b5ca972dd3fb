"""JSON logs, one object a line, each carrying the id of the request being served: the format
of the gene API's and the worker's logs (gene_api/core/logging.py), so that one id finds a
request's lines in all three. The id is the client's X-Request-ID when valid, else a new one;
the frontend sends it on to the API (api.py), which hands it to the job's runner.

No Django here: gunicorn's master reads `logging_config` before Django is set up."""

import logging
import re
import uuid
from contextvars import ContextVar

NO_REQUEST_ID = "-"  # logged outside any request
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST_ID)
# The API keeps a request id only in this form (gene_api/core/logging.py); ours always is.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id_or_new(given: str | None) -> str:
    """`given` when it is a valid request id, else a new one."""
    return given if given and VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def logging_config(level: str) -> dict:
    """The dictConfig of Django (settings.LOGGING) and of gunicorn (logconfig_dict)."""
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
            # RequestContextMiddleware writes one access line per request, with its id.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "gunicorn.error": {"level": level, "handlers": ["stdout"], "propagate": False},
            # A line per API call: the API's own access line, with the same id, says it all.
            "httpx": {"level": "WARNING"},
        },
    }
