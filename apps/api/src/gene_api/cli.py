"""`gene-api`: migrate and seed the database, serve the API, write the OpenAPI document, and
on-call's view of the jobs (`gene-api jobs`, docs/runbooks/stuck-or-failing-job.md).

Errors a user can cause (unreachable database, unreadable data file) end with one
line on stderr and exit status 1, not a traceback.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from gene_api.core.config import get_settings
from gene_api.core.security import TokenError
from gene_api.dataset import DATA_FILE, DatasetError
from gene_api.jobs import oncall

# The production command; the Dockerfile and the Helm chart run `gene-api serve`.
SERVE_ARGV = [
    sys.executable,
    "-m",
    "gunicorn",
    "--config",
    "python:gene_api.gunicorn_conf",
    "gene_api.main:create_app()",
]


def _engine():
    from chr21_common.db import make_engine

    return make_engine(get_settings())


def db_upgrade(args: argparse.Namespace) -> None:
    from gene_api import migrate

    print(f"gene-api: {migrate.upgrade(_engine())}")


def db_seed(args: argparse.Namespace) -> None:
    from gene_api.seed import seed

    report = seed(_engine(), args.file)
    print(
        f"gene-api: seeded from {args.file.name} (sha256 {report.sha256[:12]}): "
        f"{report.inserted} inserted, {report.updated} updated, {report.deleted} deleted, "
        f"{report.unchanged} unchanged"
    )


def serve(args: argparse.Namespace) -> None:
    settings = get_settings()
    print(f"gene-api: serving on http://{settings.api_host}:{settings.api_port}", flush=True)
    os.execv(SERVE_ARGV[0], SERVE_ARGV)  # noqa: S606 -- exec our own interpreter; signals reach gunicorn directly


def openapi(args: argparse.Namespace) -> None:
    from gene_api.openapi import openapi_document

    text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)


def token(args: argparse.Namespace) -> None:
    """A bearer token for the jobs API, alone on stdout (so $(gene-api token alice) is the token)."""
    from gene_api.core.security import TokenError, mint_token

    key = get_settings().token_signing_key
    if key is None:
        raise TokenError("TOKEN_SIGNING_KEY is not set (make token sets the local stack's)")
    print(mint_token(key.get_secret_value(), args.name, timedelta(hours=args.hours)))


def _jobs():
    from datetime import UTC, datetime

    from chr21_common.jobs.state import JobStore

    return JobStore(_engine()), datetime.now(UTC)


def jobs_stuck(args: argparse.Namespace) -> None:
    store, now = _jobs()
    print("\n".join(oncall.stuck_lines(store, args.older_than, now)))


def jobs_failed(args: argparse.Namespace) -> None:
    store, now = _jobs()
    print("\n".join(oncall.failed_lines(store, args.since, args.limit, now)))


def jobs_fail(args: argparse.Namespace) -> None:
    store, _ = _jobs()
    print(oncall.fail_line(store, args.job_id, args.reason))


def _periodically(every: int, what: str, one_round) -> None:
    """`one_round()` once, or with `every` again and again (`make run`), printing what it says.
    A periodic round that cannot run now (the database not yet migrated, storage or broker
    away) is said in one line and tried again at the next."""
    import time

    from chr21_common.jobs.queue import DispatchError
    from chr21_common.jobs.storage import StorageUnavailable

    while True:
        if every:
            time.sleep(every)  # a periodic task: the first round after one period too
        try:
            said = one_round()
        except (SQLAlchemyError, StorageUnavailable, DispatchError) as error:
            if not every and isinstance(error, SQLAlchemyError):
                raise
            if not every:
                raise oncall.JobsCommandError(f"{what}: {error}") from None
            print(f"gene-api: {what} round failed, next in {every} s: {error}", file=sys.stderr, flush=True)
            continue
        print(said, flush=True)
        if not every:
            return


def _job_services():
    from chr21_common.jobs.services import JobServices

    settings = get_settings()
    return settings, JobServices.from_settings(settings, _engine())


def jobs_expire(args: argparse.Namespace) -> None:
    """Retention (jobs/retention.py); with --every, again and again (`make run`)."""
    from datetime import UTC, datetime

    from gene_api.jobs.retention import expire

    settings, services = _job_services()

    def one_round() -> str:
        expired = expire(services, datetime.now(UTC))
        return (
            f"expired {expired.jobs} jobs (older than {settings.result_retention_days} days) and "
            f"{expired.uploads} uploads (older than {settings.upload_retention_days} days)"
        )

    _periodically(args.every, "retention", one_round)


def jobs_recover(args: argparse.Namespace) -> None:
    """Jobs whose message may be lost, sent again (jobs/recovery.py); with --every, again and again."""
    from datetime import UTC, datetime

    from gene_api.jobs.recovery import recover

    settings, services = _job_services()

    def one_round() -> str:
        found = recover(services, datetime.now(UTC))
        silent = settings.job_stale_after_seconds
        return f"recovered: {found.lost} jobs silent for {silent} s handed back, {found.sent} jobs sent again"

    _periodically(args.every, "recovery", one_round)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="gene-api", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    db = commands.add_parser("db", help="database schema and data").add_subparsers(
        required=True, metavar="ACTION"
    )
    db.add_parser("upgrade", help="apply Alembic migrations up to head").set_defaults(run=db_upgrade)
    seed = db.add_parser("seed", help="load the gene data file (idempotent)")
    seed.add_argument(
        "--file", type=Path, default=DATA_FILE, help="BioMart CSV export (default: the shipped one)"
    )
    seed.set_defaults(run=db_seed)
    commands.add_parser("serve", help="run the production server (gunicorn + uvicorn workers)").set_defaults(
        run=serve
    )
    spec = commands.add_parser("openapi", help="print the OpenAPI document")
    spec.add_argument("--output", type=Path, help="write to this file instead of stdout")
    spec.set_defaults(run=openapi)
    mint = commands.add_parser("token", help="print a bearer token of the jobs API for a user")
    mint.add_argument("name", help="the user (1-64 letters, digits, . _ @ -)")
    mint.add_argument("--hours", type=float, default=12, help="how long it is valid (default 12)")
    mint.set_defaults(run=token)
    jobs = commands.add_parser(
        "jobs", help="on-call: stuck and failed jobs, and failing a lost one"
    ).add_subparsers(required=True, metavar="ACTION")
    stuck = jobs.add_parser("stuck", help="jobs queued or running for longer than --older-than")
    stuck.add_argument("--older-than", type=oncall.seconds, default=3600, help="seconds (default 3600)")
    stuck.set_defaults(run=jobs_stuck)
    failed = jobs.add_parser("failed", help="the latest failed jobs and why")
    failed.add_argument("--since", type=oncall.seconds, default=3600, help="seconds back (default 3600)")
    failed.add_argument("--limit", type=int, choices=range(1, 1001), default=20, metavar="1-1000")
    failed.set_defaults(run=jobs_failed)
    fail = jobs.add_parser("fail", help="fail a queued or running job whose runner is lost, with a reason")
    fail.add_argument("job_id", type=oncall.job_id)
    fail.add_argument("--reason", type=oncall.reason, required=True, help="what its owner will read")
    fail.set_defaults(run=jobs_fail)
    periodic = {
        "expire": (
            "remove finished jobs' uploads and, later, the jobs with their results (retention)",
            jobs_expire,
        ),
        "recover": (
            "send again the jobs whose message may be lost (queued too long, or silent)",
            jobs_recover,
        ),
    }
    for name, (text, run) in periodic.items():
        command = jobs.add_parser(name, help=text)
        command.add_argument(
            "--every",
            type=oncall.seconds,
            default=0,
            help="seconds between rounds (default: one round, then exit)",
        )
        command.set_defaults(run=run)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        print(f"gene-api: error: invalid setting: {problems}", file=sys.stderr)
        return 1
    except (DatasetError, TokenError, oncall.JobsCommandError) as error:
        print(f"gene-api: error: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        print(
            f"gene-api: error: database {get_settings().database_url.split('@')[-1]}: {reason}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
