"""The engine against its correctness oracle, bedtools (Debian package `bedtools`): overlaps as
`bedtools intersect -wao`, nearest genes as `bedtools closest -D b -t all`, on generated
inputs that hold the edge cases: intervals ending exactly at a gene's start, starting exactly
at its end, one base short of either, zero-length (VCF-style insertion) records, intervals
spanning many genes, and seeded random ones. Genes are the real chromosome 21 set."""

import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from annotator.engine import Annotator, GeneTable
from annotator.inputs import Counts, InputFile
from chr21_common.coordinates import CHROMOSOME_LENGTH
from gene_api.dataset import read_genes

BEDTOOLS = shutil.which("bedtools")
STRAND = {1: "+", -1: "-"}


@pytest.fixture(scope="module")
def genes() -> GeneTable:
    return GeneTable.from_rows(read_genes())


@pytest.fixture(scope="module")
def genes_bed(genes, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("genes") / "genes.bed"
    order = np.lexsort((genes.ends, genes.starts))
    path.write_text(
        "".join(
            f"chr21\t{genes.starts[i]}\t{genes.ends[i]}\t{genes.ids[i]}\t0\t{STRAND[genes.strands[i]]}\n"
            for i in order
        )
    )
    return path


def edge_cases(genes: GeneTable) -> list[tuple[int, int]]:
    found = []
    for start, end in zip(genes.starts[::7], genes.ends[::7], strict=True):
        start, end = int(start), int(end)
        found += [
            (max(start - 50, 0), start),  # ends exactly at the gene's start (book-ended)
            (max(start - 50, 0), start + 1),  # ends one base inside it
            (end, end + 50),  # starts exactly at its end
            (end - 1, end + 50),  # starts one base inside it
            (start, start),  # zero-length at its start
            (end, end),  # zero-length at its end
            (max(start - 1, 0), max(start - 1, 0)),  # zero-length one base before
            (end + 1, end + 1),  # zero-length one base after
        ]
    found += [
        (0, CHROMOSOME_LENGTH),
        (25_000_000, 35_000_000),
        (0, 1),
        (CHROMOSOME_LENGTH - 1, CHROMOSOME_LENGTH),
    ]
    rng = random.Random(21)
    for _ in range(3000):
        start = rng.randrange(0, CHROMOSOME_LENGTH - 1)
        found.append((start, min(start + rng.choice([0, 1, 10, 1_000, 100_000]), CHROMOSOME_LENGTH)))
    return found


@pytest.fixture(scope="module")
def cases(genes, tmp_path_factory) -> tuple[Path, list[tuple[int, int]]]:
    intervals = sorted(edge_cases(genes))
    path = tmp_path_factory.mktemp("input") / "input.bed"
    # The 4th column names each record by its index, so bedtools' output maps back to it.
    path.write_text("".join(f"chr21\t{s}\t{e}\tr{i}\n" for i, (s, e) in enumerate(intervals)))
    return path, intervals


def bedtools(*args: str) -> list[list[str]]:
    assert BEDTOOLS, "bedtools is missing: scripts/bootstrap-tools installs it (Debian package bedtools)"
    out = subprocess.run([BEDTOOLS, *args], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def engine_hits(genes: GeneTable, path: Path):
    annotator = Annotator(genes)
    counts = Counts()
    overlaps, nearest = set(), set()
    with InputFile(path) as source:
        for chunk in source.chunks(counts, genes, size=997):  # many chunks, odd sizes
            hits = annotator.annotate(chunk.starts, chunk.ends)
            names = [own.split("\t")[3] for own in chunk.own.to_pylist()]
            for record, gene, bp in zip(
                hits.overlap_records, hits.overlap_genes, hits.overlap_bp, strict=True
            ):
                overlaps.add((names[record], genes.ids[gene], int(bp)))
            for record, gene, distance in zip(
                hits.nearest_records, hits.nearest_genes, hits.nearest_distance, strict=True
            ):
                nearest.add((names[record], genes.ids[gene], int(distance)))
    return overlaps, nearest, counts


def test_overlaps_are_bedtools_intersect_wao(genes, genes_bed, cases):
    path, intervals = cases
    expected = {
        (row[3], row[7], int(row[-1]))
        for row in bedtools("intersect", "-wao", "-a", str(path), "-b", str(genes_bed))
        if row[7] != "."
    }
    overlaps, _, counts = engine_hits(genes, path)
    assert counts.read == len(intervals)
    assert counts.invalid == 0
    assert overlaps == expected
    assert len(expected) > 5000  # the cases do hit genes, many of them at once


def test_nearest_genes_are_bedtools_closest_for_records_overlapping_none(genes, genes_bed, cases):
    path, _ = cases
    overlaps, nearest, _ = engine_hits(genes, path)
    overlapping = {name for name, _, _ in overlaps}
    expected = {
        (row[3], row[7], int(row[-1]))
        for row in bedtools("closest", "-D", "b", "-t", "all", "-a", str(path), "-b", str(genes_bed))
        if row[3] not in overlapping
    }
    assert nearest == expected
    assert {name for name, _, _ in nearest} | overlapping == {f"r{i}" for i in range(len(cases[1]))}
    assert any(d < 0 for _, _, d in nearest)
    assert any(d > 0 for _, _, d in nearest)
