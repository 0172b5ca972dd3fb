"""gunicorn's settings for the frontend, from the environment: what `make run` and the
container both start (`gunicorn --config python:chr21_web.gunicorn_conf chr21_web.wsgi`)."""

import os

bind = f"{os.environ.get('WEB_HOST', '127.0.0.1')}:{os.environ.get('WEB_PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# The API's answers bound a page's time (API_TIMEOUT_SECONDS); a request past this is killed.
timeout = int(os.environ.get("WEB_REQUEST_TIMEOUT_SECONDS", "30"))
accesslog = "-"
# Gunicorn's control socket lives in $HOME: one per user, so a second server would take it,
# and a read-only root filesystem has none.
control_socket_disable = True
