#!/usr/bin/env python3
"""Benchmark of the annotation engine against bedtools, side by side in one run.

    .venv/bin/python scripts/bench/annotate.py [--intervals 1000000] [--rss-intervals 10000000] [--rounds 3]

1. Generates --intervals seeded random BED intervals on chromosome 21 (lengths 1 bp to
   100 kb, some zero-length) and times, in alternating rounds, the engine's whole pipeline
   (`annotator.pipeline.annotate_file`: reading, overlaps, nearest genes, TSV, BED, JSON,
   summary and picture) against bedtools doing the two joins the engine does:
   `sort -k1,1 -k2,2n` of the input (closest needs it), `bedtools intersect -wao` and
   `bedtools closest -d -t all`. Prints the best round of each and their ratio.
2. Runs the engine alone on --rss-intervals intervals in a child process and prints its peak
   resident memory (ru_maxrss), which stays flat because the input is read in chunks.

Targets: engine / bedtools <= 1.0; peak RSS <= 300 MB. Exit status 1 when one is missed.
Still to come (issue 9): the same file end to end through the local stack (POST /jobs, the
worker, the result), and the API's RSS growth over a 1 GiB upload.
"""

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from annotator.engine import GeneTable
from annotator.pipeline import annotate_file
from gene_api.coordinates import CHROMOSOME_LENGTH
from gene_api.dataset import read_genes

SEED = 21
MAX_LENGTH = 100_000
RATIO_TARGET = 1.0
RSS_TARGET_MB = 300
STRAND = {1: "+", -1: "-"}


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


def peak_rss_mb(intervals: Path, scratch: Path) -> float:
    """The engine on `intervals` in a child process; its own peak RSS in MB (as it reports it:
    RUSAGE_CHILDREN would be the largest of every child, sort's and bedtools' too)."""
    code = (
        "import resource, sys; from pathlib import Path; from annotator.engine import GeneTable;"
        "from annotator.pipeline import annotate_file; from gene_api.dataset import read_genes;"
        "annotate_file(Path(sys.argv[1]), Path(sys.argv[2]), GeneTable.from_rows(read_genes()));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    folder = Path(tempfile.mkdtemp(dir=scratch))
    child = subprocess.run(
        [sys.executable, "-c", code, str(intervals), str(folder)], check=True, capture_output=True, text=True
    )
    return int(child.stdout.split()[-1]) / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--rss-intervals", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("bedtools") is None:
        print("bench: bedtools is not installed (scripts/bootstrap-tools installs it)", file=sys.stderr)
        return 1
    random.seed(SEED)
    genes = GeneTable.from_rows(read_genes())
    with tempfile.TemporaryDirectory(prefix="bench-annotate-") as scratch_name:
        scratch = Path(scratch_name)
        intervals, genes_bed = scratch / "intervals.bed", scratch / "genes.bed"
        print(f"bench: writing {args.intervals:,} seeded intervals", flush=True)
        write_intervals(intervals, args.intervals)
        write_genes_bed(genes_bed, genes)
        engine, bedtools = [], []
        for round_ in range(1, args.rounds + 1):
            engine.append(time_engine(intervals, genes, scratch))
            bedtools.append(time_bedtools(intervals, genes_bed, scratch))
            took = f"engine {engine[-1]:.2f} s, bedtools {bedtools[-1]:.2f} s"
            print(f"bench: round {round_}/{args.rounds}: {took}", flush=True)
        ratio = min(engine) / min(bedtools)
        print(f"bench: best of {args.rounds}: engine {min(engine):.2f} s, bedtools {min(bedtools):.2f} s")
        print(f"bench: engine / bedtools = {ratio:.2f} (target <= {RATIO_TARGET})")
        print(f"bench: writing {args.rss_intervals:,} seeded intervals for the memory bound", flush=True)
        big = scratch / "big.bed"
        write_intervals(big, args.rss_intervals, seed=SEED + 1)
        rss = peak_rss_mb(big, scratch)
        print(f"bench: engine peak RSS on {args.rss_intervals:,} intervals = {rss:.0f} MB", end="")
        print(f" (target <= {RSS_TARGET_MB})")
    missed = [
        name for name, ok in (("ratio", ratio <= RATIO_TARGET), ("rss", rss <= RSS_TARGET_MB)) if not ok
    ]
    if missed:
        print(f"bench: missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
