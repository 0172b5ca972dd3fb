#!/usr/bin/env python3
"""Benchmark of the web frontend's pages beside the gene API's own lookup, in one run.

    .venv/bin/python scripts/bench/web.py [--connections 32] [--seconds 5] [--rounds 3]
        [--set NAME=VALUE ...]   (a setting of the stack: WEB_THREADS=4, PAGE_CACHE_SECONDS=0, ...)

Starts the local stack (`scripts/run`, what `make run` starts: the gene API, the worker and the
frontend under gunicorn, SQLite, in a scratch folder on free ports of 127.0.0.1), signs a user
up and runs one job through the frontend, then drives with wrk (--connections connections,
--seconds s a run), in alternating rounds:
  - the API's lookup by id (GET /genes/ENSG00000142192 on the API): the reference;
  - the frontend's gene page (its three API calls: the gene, its neighbourhood, the nearest);
  - the frontend's search page (a word search, sorted, one API call);
  - the frontend's job status (what the jobs pages poll every 2 s, as the signed-in user:
    a token minted, the API's job record read).
Prints the medians of the rounds and each page's ratios to the API lookup. Targets: the
gene and search pages' throughput >= 0.3 x the API lookup's, and their p99 <= 3 x its p99.
Exit status 1 when a target is missed. The two servers share this machine's cores, and each
page waits on the API: the ratios say what the frontend costs on top of the API it calls.
wrk sends no cookie, so the catalogue pages come from the frontend's page cache after the
first (chr21_web/caching.py, as for every visitor who is not signed in); --set
PAGE_CACHE_SECONDS=0 measures every page made afresh, three API calls for a gene page.
"""

import argparse
import re
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from wrk import (
    Result,
    add_load_options,
    ratio_report,
    require_wrk,
    wrk,
)  # scripts/bench/wrk.py, beside this script

from chr21_ops.local_stack import running_stack

REPO = Path(__file__).resolve().parents[2]


GENE = "ENSG00000142192"  # APP
REFERENCE = "API lookup by id"
TARGETS = [
    (page, measure, bound)
    for page in ("web gene page", "web search page")
    for measure, bound in (("throughput", 0.3), ("p99", 3.0))
]


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def signed_up_with_a_job(web: str) -> tuple[str, str]:
    """A new user's session cookie, and the status URL of a job they ran through the frontend."""
    with httpx.Client(base_url=web, follow_redirects=False, timeout=60) as browser:
        form = browser.get("/accounts/signup/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        password = secrets.token_urlsafe(16)  # a throwaway user of a throwaway stack
        signed = browser.post(
            "/accounts/signup/",
            data={
                "csrfmiddlewaretoken": token,
                "username": "bench",
                "password1": password,
                "password2": password,
            },
        )
        assert signed.status_code == 302, signed.text
        page = browser.get("/jobs/new/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        bed = (REPO / "worker" / "examples" / "example.bed").read_bytes()
        job = browser.post(
            "/jobs/new/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("example.bed", bed)},
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        assert job.status_code == 201, job.text
        return browser.cookies["sessionid"], f"{job.json()['location']}status"


def bench(args: argparse.Namespace) -> dict[str, Result]:
    settings = {"LOG_LEVEL": "WARNING", "WEB_LOG_LEVEL": "WARNING", **dict(args.set)}
    with tempfile.TemporaryDirectory(prefix="bench-web-") as scratch:
        say(f"starting the local stack (scripts/run) in a scratch folder with {settings}")
        with running_stack(Path(scratch), **settings) as stack:
            api, web = f"http://127.0.0.1:{stack.ports.api}", f"http://127.0.0.1:{stack.ports.web}"
            session, status = signed_up_with_a_job(web)
            targets = {
                REFERENCE: (f"{api}/genes/{GENE}", {}),
                "web gene page": (f"{web}/genes/{GENE}/", {}),
                "web search page": (f"{web}/genes/?q=amyloid+precursor&sort=name", {}),
                "web job status (polling)": (f"{web}{status}", {"Cookie": f"sessionid={session}"}),
            }
            for name, (url, headers) in targets.items():
                answer = httpx.get(url, headers=headers)
                assert answer.status_code == 200, f"{name}: {answer.status_code}"
            say("warming up every target (1 s each)")
            for url, headers in targets.values():
                wrk(url, args.connections, 1, headers)
            runs: dict[str, list[Result]] = {name: [] for name in targets}
            for round_number in range(1, args.rounds + 1):
                for name, (url, headers) in targets.items():
                    say(f"round {round_number}/{args.rounds}: {name} ({args.seconds} s)")
                    runs[name].append(wrk(url, args.connections, args.seconds, headers))
    return {
        name: Result(
            *(statistics.median(getattr(r, f) for r in results) for f in ("rps", "p50_ms", "p99_ms"))
        )
        for name, results in runs.items()
    }


def report(results: dict[str, Result], connections: int) -> list[str]:
    print(f"\n{connections} connections (medians of the rounds)")
    return ratio_report(results, REFERENCE, TARGETS, "x API")


def setting(text: str) -> tuple[str, str]:
    """NAME=VALUE of --set, NAME an environment variable's name."""
    name, equals, value = text.partition("=")
    if not equals or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (e.g. WEB_THREADS=4)")
    return name, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        type=setting,
        metavar="NAME=VALUE",
        help="a setting of the stack (e.g. WEB_THREADS=4, PAGE_CACHE_SECONDS=0); repeatable",
    )
    args = parser.parse_args()
    require_wrk()
    missed = report(bench(args), args.connections)
    print("\nall targets met" if not missed else f"\nmissed: {'; '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
