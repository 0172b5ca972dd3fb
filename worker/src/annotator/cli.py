"""`annotator`: the worker's commands.

- `annotator worker`: the Celery worker (the chart's and the Procfile's command);
- `annotator run-job --job-id ID --input URI --output URI`: one job, as AWS Batch runs it under
  Step Functions (worker/statemachine/annotate.asl.json);
- `annotator fail-job --job-id ID --error E --cause C`: the state machine's catch, recording a
  failure on the job;
- `annotator register-job-definition FILE`: the AWS Batch job definition those jobs run, FILE's
  (what terraform-bootstrap hands over) with this image ($IMAGE), registered as a new revision
  when the newest one differs (the worker chart's PostSync hook, so Batch runs the image the
  environment's commit pins).

Logs are JSON lines on stdout (the API's format); a failure is also one line on stderr.
`run-job` exits 0 when the job succeeded (or another run has it), 2 when it failed (the
reason is on the job and on stderr, in one line), 75 on a transient error (worth a retry: the
Batch job definition's retry strategy), 1 on anything else. Errors are one line, not a traceback.
"""

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from pydantic import ValidationError

from annotator.config import get_worker_settings

log = logging.getLogger("annotator.cli")
EXIT_BAD_INPUT = 2
EXIT_TRANSIENT = 75  # EX_TEMPFAIL


def prepare_multiprocess_dir(port: int) -> Path:
    """The metrics folder of the worker on `port` (PROMETHEUS_MULTIPROC_DIR, unless set), emptied
    of the files a previous run left. Must run before prometheus_client is imported by Celery."""
    folder = Path(
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"{tempfile.gettempdir()}/annotator-metrics-{port}")
    )
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # only prometheus_client's own files
        stale.unlink()
    return folder


def worker(args: argparse.Namespace) -> int:
    settings = get_worker_settings()
    prepare_multiprocess_dir(settings.worker_metrics_port)
    argv = [
        # --quiet: no banner, whose text lines would break the JSON logs; the worker logs "ready".
        sys.executable, "-m", "celery", "--app", "annotator.celery_app:app", "--quiet", "worker",
        "--loglevel", settings.log_level, "--pool", "threads",
        "--concurrency", str(settings.worker_concurrency), "--queues", settings.job_queue,
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    os.execv(argv[0], argv)  # noqa: S606 -- exec our own interpreter; signals reach celery directly


def run_job_command(args: argparse.Namespace) -> int:
    from annotator.genes import GeneSource
    from annotator.runner import Place, Transient, run_job
    from chr21_common.db import make_engine
    from chr21_common.jobs.services import JobServices
    from chr21_common.jobs.storage import location_of

    settings = get_worker_settings()
    engine = make_engine(settings)
    services = JobServices.from_settings(settings, engine)
    try:
        source = Place(*location_of(args.input))
        target = Place(*location_of(args.output))
    except ValueError as error:
        print(f"annotator: {error}", file=sys.stderr)
        return 1
    try:
        # AWS Batch retries a job only once its previous attempt ended: a job found running is its.
        status = run_job(
            args.job_id, services, GeneSource(engine), source, target, settings.work_folder, take_over=True
        )
    except Transient as error:
        print(f"annotator: job {args.job_id}: transient error, retry: {error}", file=sys.stderr)
        return EXIT_TRANSIENT
    job = services.jobs.get(args.job_id)
    if job is None:
        # Its owner deleted it (DELETE /jobs/{id}) before or while it ran: nothing is kept, and
        # nothing failed (the execution must not count as a failure).
        print(
            f"annotator: job {args.job_id} is not in the database (deleted by its owner, or never "
            "created): nothing kept",
            file=sys.stderr,
        )
        return 0
    if status == "skipped":
        # Running in another process, which owns it: nothing for this run to do.
        log.info("job %s: nothing to do", args.job_id)
        return 0
    if status == "failed":
        where = f" (line {job.error_line})" if job.error_line else ""
        print(f"annotator: job {args.job_id} failed: {job.error}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT
    log.info("job %s %s", args.job_id, status)
    return 0 if status == "succeeded" else 1


def batch_failure_reason(error: str, cause: str) -> str:
    """One line from the error and cause Step Functions caught (the cause of a Batch task is
    the job's description as JSON)."""
    try:
        described = json.loads(cause)
    except ValueError:
        described = None
    if not isinstance(described, dict):
        return f"the AWS Batch job failed ({error}): {' '.join(cause.split()) or 'no reason given'}"[:500]
    container = described.get("Container") or {}
    parts = [described.get("StatusReason"), container.get("Reason")]
    if container.get("ExitCode") is not None:
        parts.append(f"exit code {container['ExitCode']}")
    found = "; ".join(str(part) for part in parts if part)
    return f"the AWS Batch job failed ({error}): {found or 'no reason given'}"[:500]


def fail_job_command(args: argparse.Namespace) -> int:
    """Record on the job the failure Step Functions caught; a job already finished (a run that
    failed it with a precise reason, say) is left as it is."""
    from chr21_common.db import make_engine
    from chr21_common.jobs.state import JobStore

    store = JobStore(make_engine(get_worker_settings()))
    recorded = store.fail(args.job_id, batch_failure_reason(args.error, args.cause))
    job = store.get(args.job_id)
    if job is None:
        print(f"annotator: no job {args.job_id}", file=sys.stderr)
        return 1
    log.info("job %s %s", args.job_id, "recorded as failed" if recorded else f"was already {job.status}")
    return 0


# The newest revision carries the digest of what it was registered from: a sync that changes
# nothing registers nothing.
DEFINITION_TAG = "chr21.io/definition-sha256"
REVISIONS_KEPT = 5


def register_job_definition_command(args: argparse.Namespace) -> int:
    import hashlib

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    image = os.environ.get("IMAGE", "")
    if not image:
        print("annotator: IMAGE (the image the job definition runs) is not set", file=sys.stderr)
        return 1
    try:
        given = json.loads(Path(args.file).read_text())
        region, definition = given["region"], given["jobDefinition"]
        definition["containerProperties"]["image"] = image
        name = definition["jobDefinitionName"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"annotator: {args.file} is not a job definition file ({error!r})", file=sys.stderr)
        return 1
    digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
    batch = boto3.client("batch", region_name=region)
    try:
        pages = batch.get_paginator("describe_job_definitions").paginate(
            jobDefinitionName=name, status="ACTIVE"
        )
        active = [found for page in pages for found in page["jobDefinitions"]]
        newest = max(active, key=lambda found: found["revision"], default=None)
        if newest and (newest.get("tags") or {}).get(DEFINITION_TAG) == digest:
            log.info("job definition %s:%s already runs %s", name, newest["revision"], image)
            return 0
        tags = {**definition.pop("tags", {}), DEFINITION_TAG: digest}
        registered = batch.register_job_definition(**definition, tags=tags)
        # The newest few stay usable; older ones go (a job already submitted keeps its own).
        for old in sorted(active, key=lambda found: found["revision"])[
            : max(0, len(active) + 1 - REVISIONS_KEPT)
        ]:
            batch.deregister_job_definition(jobDefinition=old["jobDefinitionArn"])
    except (ClientError, BotoCoreError) as error:
        print(f"annotator: registering {name}: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    log.info("job definition %s:%s registered, running %s", name, registered["revision"], image)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="annotator", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    commands.add_parser("worker", help="run the Celery worker").set_defaults(run=worker)
    one = commands.add_parser("run-job", help="run one job (AWS Batch)")
    one.add_argument("--job-id", required=True)
    one.add_argument("--input", required=True, help="the upload: s3://bucket/key or a file path")
    one.add_argument("--output", required=True, help="the results folder: s3://bucket/prefix or a folder")
    one.add_argument("--request-id", default="", help="the id of the request that submitted the job (logs)")
    one.set_defaults(run=run_job_command)
    fail = commands.add_parser("fail-job", help="record a failure Step Functions caught on the job")
    fail.add_argument("--job-id", required=True)
    fail.add_argument("--error", required=True, help="the error name Step Functions caught")
    fail.add_argument("--cause", default="", help="its cause (for AWS Batch, the job's description as JSON)")
    fail.add_argument("--request-id", default="", help="the id of the request that submitted the job (logs)")
    fail.set_defaults(run=fail_job_command)
    register = commands.add_parser(
        "register-job-definition", help="register the AWS Batch job definition with this image ($IMAGE)"
    )
    register.add_argument("file", help="JSON: {region, jobDefinition} (the RegisterJobDefinition request)")
    register.set_defaults(run=register_job_definition_command)
    return root


def main(argv: list[str] | None = None) -> None:
    from chr21_common.logs import configure_logging, request_id_or_new, request_id_var

    args = parser().parse_args(argv)
    # The API's JSON lines; a job's lines carry the id of the request that submitted it.
    configure_logging("INFO")
    if "request_id" in args:
        request_id_var.set(request_id_or_new(args.request_id))
    try:
        sys.exit(args.run(args))
    except ValidationError as error:
        first = error.errors()[0]
        print(f"annotator: setting {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        sys.exit(1)
