"""One request followed through the three processes of the local stack (`make run`) by its id.

A scientist signs up and uploads a BED file on the frontend, sending X-Request-ID. The frontend
answers with that id and logs its access line with it; it calls the jobs API with it, whose
access line carries it; the API puts it on the job's message, and the worker's lines of that job
(the runner's and Celery's) carry it. Every line the three servers write meanwhile is JSON with
the same fields (tests/support/logs.py), so a log search for the id finds all of them."""

import re
import uuid
from pathlib import Path

import httpx
import pytest

from chr21_ops.local_stack import running_stack
from tests.support.logs import json_lines, with_request_id
from tests.support.paths import REPO
from worker.tests.workers import wait_for

# honcho's prefix: "15:02:20 web.1    | " before each line a process writes.
HONCHO_LINE = re.compile(r"^\d\d:\d\d:\d\d (?P<process>\S+?)\.\d+\s*\| (?P<line>.*)$")
SERVERS = ("web", "api", "worker")
JOB_SECONDS = 60


def lines_by_process(log: Path, offset: int) -> dict[str, str]:
    """What each server wrote to the stack's log past `offset`."""
    found: dict[str, list[str]] = {name: [] for name in SERVERS}
    with log.open("rb") as stream:
        stream.seek(offset)
        written = stream.read()
    # Whole lines only: honcho may be writing the last one while it is read.
    for raw in written[: written.rfind(b"\n") + 1].decode().splitlines():
        match = HONCHO_LINE.match(raw)
        if match and match["process"] in found:
            found[match["process"]].append(match["line"])
    return {name: "\n".join(lines) for name, lines in found.items()}


@pytest.fixture(scope="module")
def followed(tmp_path_factory) -> dict:
    """A sign-up and an upload through the frontend, the upload sent with a request id; each
    server's log lines written meanwhile, once the job's own are there."""
    folder = tmp_path_factory.mktemp("stack")
    request_id = f"trace-{uuid.uuid4().hex}"
    with running_stack(folder) as stack, httpx.Client(base_url=f"http://127.0.0.1:{stack.ports.web}") as web:
        log = folder / "stack.log"
        offset = log.stat().st_size
        web.get("/accounts/signup/")
        password = uuid.uuid4().hex
        signed_up = web.post(
            "/accounts/signup/",
            data={"username": "scientist", "password1": password, "password2": password},
            headers={"X-CSRFToken": web.cookies["csrftoken"]},
        )
        assert signed_up.status_code == 302, signed_up.text
        # Signing in gave a new CSRF token (Django rotates it); the upload sends that one.
        bed = (REPO / "worker" / "examples" / "example.bed").read_bytes()
        upload = web.post(
            "/jobs/new/",
            files={"file": ("example.bed", bed)},
            headers={
                "X-CSRFToken": web.cookies["csrftoken"],
                "Accept": "application/json",
                "X-Request-ID": request_id,
            },
        )
        assert upload.status_code == 201, upload.text
        job_id = upload.json()["location"].strip("/").split("/")[-1]

        def job_logged() -> dict[str, str] | None:
            # The job's line, from its process; then the task's, once the worker saw it end.
            written = lines_by_process(log, offset)
            done = f"job {job_id}: succeeded" in written["worker"] and "] succeeded in " in written["worker"]
            return written if done else None

        written = wait_for(job_logged, JOB_SECONDS, f"the worker to log job {job_id}")
        status = web.get(f"/jobs/{job_id}/status").json()
        assert status["status"] == "succeeded", status
    logs = {name: json_lines(text, f"the {name}'s log") for name, text in written.items()}
    return {"id": request_id, "job": job_id, "upload": upload, "logs": logs}


def access_lines(followed: dict, server: str) -> list[dict]:
    """The server's access lines of the followed request."""
    return [e for e in with_request_id(followed["logs"][server], followed["id"]) if e["message"] == "request"]


def test_the_frontend_answers_with_the_id_and_logs_it(followed):
    assert followed["upload"].headers["X-Request-ID"] == followed["id"]
    access = access_lines(followed, "web")
    assert [(e["method"], e["path"], e["status"]) for e in access] == [("POST", "/jobs/new/", 201)]


def test_the_api_logs_the_frontends_call_with_the_same_id(followed):
    access = access_lines(followed, "api")
    assert [(e["method"], e["route"], e["status"]) for e in access] == [("POST", "/jobs", 202)]


def test_the_worker_logs_the_job_with_the_same_id(followed):
    messages = [e["message"] for e in with_request_id(followed["logs"]["worker"], followed["id"])]
    assert any(m.startswith(f"job {followed['job']}: succeeded") for m in messages), messages
    assert any(m.startswith("Task annotator.annotate[") and "succeeded" in m for m in messages), messages


def test_the_id_is_only_on_that_requests_lines(followed):
    # The sign-up page and the sign-up before it have ids of their own.
    for name in SERVERS:
        ids = {entry["request_id"] for entry in followed["logs"][name]}
        assert followed["id"] in ids, name
    web_ids = {e["request_id"] for e in followed["logs"]["web"] if e["message"] == "request"}
    assert len(web_ids) == 3, web_ids
