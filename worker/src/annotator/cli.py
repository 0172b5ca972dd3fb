"""`annotator`: the worker's commands.

- `annotator worker`: the Celery worker (the chart's and the Procfile's command);
- `annotator run-job --job-id ID --input URI --output URI`: one job, as AWS Batch runs it under
  Step Functions. It exits 0 when the job ended (succeeded, or failed on bad input: the
  reason is on the job and on stderr, and exit status 2 says so), 75 on a transient error
  (worth a retry), 1 on anything else. Errors are one line on stderr, not a traceback.
"""

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from pydantic import ValidationError

from annotator.config import get_worker_settings

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
        sys.executable, "-m", "celery", "--app", "annotator.celery_app:app", "worker",
        "--loglevel", settings.log_level, "--pool", "prefork",
        "--concurrency", str(settings.worker_concurrency), "--queues", settings.job_queue,
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    os.execv(argv[0], argv)  # noqa: S606 -- exec our own interpreter; signals reach celery directly


def run_job_command(args: argparse.Namespace) -> int:
    from annotator.genes import GeneSource
    from annotator.runner import Place, Transient, run_job
    from gene_api.db import make_engine
    from gene_api.jobs.services import JobServices
    from gene_api.jobs.storage import location_of

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
        status = run_job(args.job_id, services, GeneSource(engine), source, target, settings.work_folder)
    except Transient as error:
        print(f"annotator: job {args.job_id}: transient error, retry: {error}", file=sys.stderr)
        return EXIT_TRANSIENT
    job = services.jobs.get(args.job_id)
    if status == "failed" and job is not None:
        where = f" (line {job.error_line})" if job.error_line else ""
        print(f"annotator: job {args.job_id} failed: {job.error}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"annotator: job {args.job_id} {status}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="annotator", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    commands.add_parser("worker", help="run the Celery worker").set_defaults(run=worker)
    one = commands.add_parser("run-job", help="run one job (AWS Batch)")
    one.add_argument("--job-id", required=True)
    one.add_argument("--input", required=True, help="the upload: s3://bucket/key or a file path")
    one.add_argument("--output", required=True, help="the results folder: s3://bucket/prefix or a folder")
    one.set_defaults(run=run_job_command)
    return root


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = parser().parse_args(argv)
    try:
        sys.exit(args.run(args))
    except ValidationError as error:
        first = error.errors()[0]
        print(f"annotator: setting {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        sys.exit(1)
