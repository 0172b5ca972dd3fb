#!/usr/bin/env python3
"""Benchmark of the annotation pipeline against bedtools, side by side in one run.

    .venv/bin/python scripts/bench/annotate.py [--intervals 1000000] [--rounds 3]
        [--rss-intervals 10000000] [--upload-mib 1024]

1. Generates --intervals seeded random BED intervals on chromosome 21 (lengths 1 bp to
   100 kb, some zero-length) and starts the local stack (`scripts/run`, what `make run`
   starts: the gene API and a Celery worker on Celery's filesystem broker, SQLite and local
   folders, all in a scratch folder, on free ports of 127.0.0.1).
2. Times, in alternating rounds on that file:
   - the engine's whole pipeline in this process (`annotator.pipeline.annotate_file`:
     reading, overlaps, nearest genes, TSV, BED, JSON, summary and picture);
   - bedtools doing the two joins the engine does: `sort -k1,1 -k2,2n` of the input
     (closest needs it), `bedtools intersect -wao` and `bedtools closest -d -t all`;
   - the same file end to end through the stack: `POST /jobs`, the worker, until
     `GET /jobs/{id}` says succeeded.
   Prints the best round of each and the ratios to bedtools.
3. Uploads --upload-mib MiB of intervals through `POST /jobs` and prints how much the API's
   processes (gunicorn's master and workers) grew in resident memory meanwhile: the upload
   is streamed to storage, so this does not grow with the file.
4. Runs the engine alone on --rss-intervals intervals in a child process and prints its peak
   resident memory (ru_maxrss), which stays flat because the input is read in pieces.

Targets: engine / bedtools <= 1.0; end to end / bedtools <= 1.5; the API's growth over the
upload <= 50 MB; the engine's peak RSS <= 300 MB. Exit status 1 when one is missed.
"""

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from annotator.engine import GeneTable
from annotator.pipeline import annotate_file
from chr21_common.coordinates import CHROMOSOME_LENGTH
from chr21_ops.local_stack import running_stack
from gene_api.dataset import read_genes

REPO = Path(__file__).resolve().parents[2]


SEED = 21
MAX_LENGTH = 100_000
RATIO_TARGET = 1.0
END_TO_END_TARGET = 1.5
UPLOAD_GROWTH_TARGET_MB = 50
RSS_TARGET_MB = 300
STRAND = {1: "+", -1: "-"}
# How long the local stack may take to start (it migrates and seeds its database first), and a
# job or an upload to finish, before the bench gives up.
START_SECONDS = 180
JOB_SECONDS = 600


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def write_intervals(path: Path, count: int, seed: int = SEED) -> None:
    """`count` seeded random intervals, written in blocks (memory stays small at 10 M)."""
    rng = np.random.default_rng(seed)
    block = 1_000_000
    with path.open("w") as out:
        for first in range(0, count, block):
            n = min(block, count - first)
            starts = rng.integers(0, CHROMOSOME_LENGTH - MAX_LENGTH, n)
            lengths = rng.integers(0, MAX_LENGTH, n)
            lengths[rng.random(n) < 0.01] = 0  # VCF-style insertion points
            out.writelines(
                f"chr21\t{s}\t{s + length}\tr{first + i}\n"
                for i, (s, length) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True))
            )


def write_genes_bed(path: Path, genes: GeneTable) -> None:
    order = np.lexsort((genes.ends, genes.starts))
    path.write_text(
        "".join(
            f"chr21\t{genes.starts[i]}\t{genes.ends[i]}\t{genes.ids[i]}\t0\t{STRAND[genes.strands[i]]}\n"
            for i in order
        )
    )


def time_engine(intervals: Path, genes: GeneTable, scratch: Path) -> float:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    started = time.perf_counter()
    annotate_file(intervals, folder, genes)
    took = time.perf_counter() - started
    shutil.rmtree(folder)
    return took


def time_bedtools(intervals: Path, genes_bed: Path, scratch: Path) -> float:
    sorted_path = scratch / "sorted.bed"
    started = time.perf_counter()
    with sorted_path.open("w") as out:
        subprocess.run(["sort", "-k1,1", "-k2,2n", str(intervals)], stdout=out, check=True)
    with (scratch / "intersect.tsv").open("w") as out:
        subprocess.run(
            ["bedtools", "intersect", "-wao", "-a", str(sorted_path), "-b", str(genes_bed)],
            stdout=out,
            check=True,
        )
    with (scratch / "closest.tsv").open("w") as out:
        subprocess.run(
            ["bedtools", "closest", "-d", "-t", "all", "-a", str(sorted_path), "-b", str(genes_bed)],
            stdout=out,
            check=True,
        )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Jobs:
    """The jobs API of the running local stack, as one user."""

    url: str
    token: str
    pid: int  # scripts/run's (honcho's) process: the stack's processes run below it

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=600)


def poll(condition, what: str, seconds: float):
    """Ask `condition` until it returns something true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)  # polling a condition, with a deadline
    raise SystemExit(f"bench: {what} did not happen within {seconds} s")


@contextmanager
def local_stack(scratch: Path, max_upload_bytes: int) -> Iterator[Jobs]:
    """The local stack as the tests start it (chr21_ops/local_stack.py: `scripts/run`, what
    `make run` starts), its state and temporary files (job folders, metrics files, staged
    uploads) under `scratch`, removed with it even when a process of the stack is killed."""
    say(f"starting the local stack (its log: {scratch / 'stack.log'})")
    with running_stack(scratch, MAX_UPLOAD_BYTES=str(max_upload_bytes)) as stack:
        minted = subprocess.run(
            [str(REPO / "scripts" / "token"), "bench"],
            env=stack.env,
            capture_output=True,
            text=True,
            check=True,
        )
        yield Jobs(f"http://127.0.0.1:{stack.ports.api}", minted.stdout.strip(), stack.pid)


def submit(stack: Jobs, path: Path) -> str:
    with stack.client() as client, path.open("rb") as body:
        answer = client.post("/jobs", files={"file": (path.name, body)})
    if answer.status_code != 202:
        raise SystemExit(f"bench: POST /jobs answered {answer.status_code}: {answer.text[:300]}")
    return answer.json()["id"]


def time_end_to_end(stack: Jobs, intervals: Path) -> float:
    """From the start of the upload until the job has succeeded."""
    started = time.perf_counter()
    job_id = submit(stack, intervals)
    with stack.client() as client:

        def finished() -> str | None:
            status = client.get(f"/jobs/{job_id}").json()["status"]
            return status if status in ("succeeded", "failed") else None

        status = poll(finished, f"job {job_id}", JOB_SECONDS)
    took = time.perf_counter() - started
    if status != "succeeded":
        raise SystemExit(f"bench: job {job_id} {status} (see the stack's log)")
    return took


def descendants(root: int) -> list[int]:
    """Every process below `root` (honcho starts each of its processes in a session of its own,
    so the process group does not hold them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def api_processes(root: int) -> list[int]:
    """The gene API's gunicorn master and workers among the local stack's processes (not the
    frontend's)."""
    found = []
    for pid in descendants(root):
        try:
            if b"gene_api.gunicorn_conf" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def resident_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def upload_growth_mb(stack: Jobs, upload: Path) -> tuple[float, float, float]:
    """(the API's processes' RSS before, in MB; how much it grew at most while `upload` went
    through POST /jobs; seconds). Their summed RSS is sampled every 10 ms by a thread."""
    pids = api_processes(stack.pid)
    if not pids:
        raise SystemExit("bench: found no gunicorn process of the local stack")
    before = resident_mb(pids)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], resident_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        submit(stack, upload)
    finally:
        took = time.perf_counter() - started
        done.set()
        sampler.join()
    return before, max(peak[0], resident_mb(pids)) - before, took


def write_upload(path: Path, intervals: Path, mib: int) -> None:
    """`mib` MiB of BED: copies of the intervals file, the last one cut at a line's end."""
    block, left = intervals.read_bytes(), mib * 1024 * 1024
    with path.open("wb") as out:
        while left > 0:
            piece = block if len(block) <= left else block[: block.rfind(b"\n", 0, left) + 1]
            out.write(piece)
            left -= len(block)


def peak_rss_mb(intervals: Path, scratch: Path) -> float:
    """The engine on `intervals` in a child process; its own peak RSS in MB, as the kernel
    counts it for the running program (VmHWM). Not ru_maxrss: Linux carries it across exec
    from the forked copy of this process, so the child would report this one's size."""
    code = (
        "import sys; from pathlib import Path; from annotator.engine import GeneTable;"
        "from annotator.pipeline import annotate_file; from gene_api.dataset import read_genes;"
        "annotate_file(Path(sys.argv[1]), Path(sys.argv[2]), GeneTable.from_rows(read_genes()));"
        "print(next(line for line in open('/proc/self/status') if line.startswith('VmHWM:')))"
    )
    folder = Path(tempfile.mkdtemp(dir=scratch))
    child = subprocess.run(
        [sys.executable, "-c", code, str(intervals), str(folder)], check=True, capture_output=True, text=True
    )
    return int(child.stdout.split()[-2]) / 1024  # "VmHWM:  213860 kB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rss-intervals", type=int, default=10_000_000)
    parser.add_argument("--upload-mib", type=int, default=1024)
    args = parser.parse_args()
    if shutil.which("bedtools") is None:
        print("bench: bedtools is not installed (scripts/bootstrap-tools installs it)", file=sys.stderr)
        return 1
    random.seed(SEED)
    genes = GeneTable.from_rows(read_genes())
    with tempfile.TemporaryDirectory(prefix="bench-annotate-") as scratch_name:
        scratch = Path(scratch_name)
        intervals, genes_bed = scratch / "intervals.bed", scratch / "genes.bed"
        say(f"writing {args.intervals:,} seeded intervals")
        write_intervals(intervals, args.intervals)
        write_genes_bed(genes_bed, genes)
        upload_bytes = args.upload_mib * 1024 * 1024
        with local_stack(scratch / "stack", max_upload_bytes=upload_bytes + 1024**2) as stack:
            say("a first job, to warm the worker up")
            time_end_to_end(stack, REPO / "worker" / "examples" / "example.bed")
            engine, bedtools, end_to_end = [], [], []
            for round_ in range(1, args.rounds + 1):
                engine.append(time_engine(intervals, genes, scratch))
                bedtools.append(time_bedtools(intervals, genes_bed, scratch))
                end_to_end.append(time_end_to_end(stack, intervals))
                took = f"engine {engine[-1]:.2f} s, bedtools {bedtools[-1]:.2f} s"
                say(f"round {round_}/{args.rounds}: {took}, end to end {end_to_end[-1]:.2f} s")
            say(f"writing {args.upload_mib:,} MiB to upload")
            upload = scratch / "upload.bed"
            write_upload(upload, intervals, args.upload_mib)
            before, growth, upload_seconds = upload_growth_mb(stack, upload)
            upload.unlink()
        best = min(bedtools)
        ratio, end_ratio = min(engine) / best, min(end_to_end) / best
        say(
            f"best of {args.rounds}: engine {min(engine):.2f} s, bedtools {best:.2f} s, "
            f"end to end {min(end_to_end):.2f} s"
        )
        say(f"engine / bedtools = {ratio:.2f} (target <= {RATIO_TARGET})")
        say(f"end to end / bedtools = {end_ratio:.2f} (target <= {END_TO_END_TARGET})")
        say(
            f"API's RSS growth over a {args.upload_mib:,} MiB upload ({upload_seconds:.1f} s) = "
            f"{growth:.1f} MB over {before:.0f} MB (target <= {UPLOAD_GROWTH_TARGET_MB})"
        )
        say(f"writing {args.rss_intervals:,} seeded intervals for the memory bound")
        big = scratch / "big.bed"
        write_intervals(big, args.rss_intervals, seed=SEED + 1)
        rss = peak_rss_mb(big, scratch)
        say(f"engine peak RSS on {args.rss_intervals:,} intervals = {rss:.0f} MB (target <= {RSS_TARGET_MB})")
    missed = [
        name
        for name, ok in (
            ("engine ratio", ratio <= RATIO_TARGET),
            ("end-to-end ratio", end_ratio <= END_TO_END_TARGET),
            ("upload growth", growth <= UPLOAD_GROWTH_TARGET_MB),
            ("engine rss", rss <= RSS_TARGET_MB),
        )
        if not ok
    ]
    if missed:
        print(f"bench: missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
