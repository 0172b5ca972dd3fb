"""What a job writes: the annotation as TSV, BED and JSON, its summary, and a picture.

One row per (input record, overlapping gene), and for a record that overlaps no gene one row
per nearest gene. TSV rows are the record's own fields followed by the annotation columns,
as `bedtools intersect -wao` lays them out; BED rows are the record's interval named by the
gene; JSON is one array of objects. Rows are written chunk by chunk as the engine yields
them, so memory does not grow with the output either.
"""

import json
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from annotator.engine import GeneTable, Hits, ranges_within
from annotator.inputs import Chunk, Counts, InputError
from chr21_common.coordinates import BED_CHROMOSOME, CHROMOSOME_LENGTH
from chr21_common.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE

ANNOTATION_COLUMNS = ("gene_id", "gene_name", "gene_type", "gene_strand", "overlap_bp", "distance")
STRAND = {1: "+", -1: "-"}
TOP_GENES = 10
# The picture counts records in bins of this many bp along the chromosome.
PLOT_BIN_BP = 500_000
# Rows are formatted and written in slices of at most this many bytes of the records' own
# fields, each row counted with ROW_OVERHEAD_BYTES more: memory stays bounded when every row
# repeats a long record, and one slice is about 12,000 rows of a plain BED file.
ROW_BYTES_PER_WRITE = 2 * 1024 * 1024
ROW_OVERHEAD_BYTES = 128
# Slices formatted but not yet written, at most.
MAX_PENDING_WRITES = 2


@dataclass
class Tally:
    """What the summary and the picture count, chunk by chunk."""

    genes: int
    annotated: int = 0  # records overlapping at least one gene
    nearest_only: int = 0
    rows: int = 0
    hits_by_gene: np.ndarray = field(init=False)  # overlapping records, by gene index
    bins_overlap: np.ndarray = field(default_factory=lambda: np.zeros(CHROMOSOME_LENGTH // PLOT_BIN_BP + 1))
    bins_nearest: np.ndarray = field(default_factory=lambda: np.zeros(CHROMOSOME_LENGTH // PLOT_BIN_BP + 1))

    def __post_init__(self) -> None:
        self.hits_by_gene = np.zeros(self.genes, dtype=np.int64)


# Characters a JSON string must escape, apart from the tab that separates fields (RE2 syntax).
_NEEDS_ESCAPE = r'[\x00-\x08\x0a-\x1f"\\]'


def _json_fields(own: pa.StringArray) -> pa.StringArray:
    """Each record's tab-separated fields as a JSON array; json.dumps for the few that need escaping."""
    plain = pc.binary_join_element_wise('["', pc.replace_substring(own, "\t", '","'), '"]', "")
    escape = pc.match_substring_regex(own, _NEEDS_ESCAPE)
    if not pc.any(escape).as_py():
        return plain
    escaped = [
        json.dumps(text.split("\t"), ensure_ascii=False, separators=(",", ":"))
        for text in own.filter(escape).to_pylist()
    ]
    return pc.replace_with_mask(plain, escape, pa.array(escaped, type=pa.string()))


def _text(numbers: np.ndarray) -> pa.StringArray:
    return pc.cast(pa.array(numbers), pa.string())


def _byte_length(strings: pa.StringArray) -> int:
    if len(strings) == 0:
        return 0
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    return int(offsets[strings.offset + len(strings)] - offsets[strings.offset])


class ResultTooLarge(InputError):
    """The results would pass the job's bound: the input's fault, so the job fails saying so."""


@dataclass(frozen=True)
class ResultBound:
    """The most a job's result files may take: `per_input_byte` times its input's size, or
    `floor` when that is more (a few intervals spanning the chromosome would otherwise write
    gigabytes from a few kilobytes)."""

    input_bytes: int
    per_input_byte: int
    floor: int

    @property
    def max_bytes(self) -> int:
        return max(self.floor, self.per_input_byte * self.input_bytes)

    def refusal(self) -> str:
        return (
            f"the results would pass {self.max_bytes / 1024**2:,.0f} MiB, the most a job of this file's size "
            f"may write ({self.per_input_byte} times its size, at least {self.floor / 1024**2:,.0f} MiB): "
            "its records overlap too many genes; split the file or narrow the intervals"
        )


def _write(handle: BinaryIO, strings: pa.StringArray, skip: int = 0) -> None:
    """The strings back to back, but their first `skip` bytes: the array's data buffer between
    its first and last offsets."""
    if len(strings) == 0:
        return
    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int32)[[strings.offset, strings.offset + len(strings)]]
    handle.write(memoryview(data)[bounds[0] + skip : bounds[1]])


class ResultWriter:
    """Writes the three renderings of the rows into `folder`, then the summary and the picture.

    Rows are built by pyarrow's compute functions from per-record and per-gene pieces, a slice
    of rows at a time (at most ROW_BYTES_PER_WRITE of the records' own fields), so that neither
    time nor memory goes into one Python string per row."""

    def __init__(self, folder: Path, genes: GeneTable, bound: "ResultBound | None" = None) -> None:
        self.folder = folder
        self.genes = genes
        # The three renderings' bytes so far, and the bound on them (None: none).
        self.bytes = 0
        self.bound = bound
        self.tally = Tally(len(genes))
        strands = [STRAND[int(strand)] for strand in genes.strands]
        # Each gene's columns, formatted once.
        self._gene_tsv = pa.array(
            [f"{genes.ids[i]}\t{genes.names[i]}\t{genes.types[i]}\t{strands[i]}\t" for i in range(len(genes))]
        )
        self._gene_bed = pa.array(
            [f"{genes.ids[i]}\t0\t{strands[i]}\t{genes.names[i]}\t" for i in range(len(genes))]
        )
        self._gene_json = pa.array(
            [
                json.dumps(
                    {
                        "gene_id": genes.ids[i],
                        "gene_name": genes.names[i] or None,
                        "gene_type": genes.types[i],
                        "gene_strand": strands[i],
                    },
                    separators=(",", ":"),
                )[1:-1]
                + ',"overlap_bp":'
                for i in range(len(genes))
            ]
        )
        self._files: dict[str, BinaryIO] = {
            fmt: (folder / name).open("wb") for fmt, name in RESULT_FILES.items()
        }
        self._files["tsv"].write(("#record\t" + "\t".join(ANNOTATION_COLUMNS) + "\n").encode())
        self._files["json"].write(b"[")
        self._first_json = True
        # One thread writes the files (file writes and pyarrow's compute functions release the GIL).
        self._writing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="result-writer")
        self._pending: deque[Future] = deque()

    def write(self, chunk: Chunk, hits: Hits) -> None:
        records = np.concatenate([hits.overlap_records, hits.nearest_records])
        genes = np.concatenate([hits.overlap_genes, hits.nearest_genes])
        overlap = np.concatenate([hits.overlap_bp, np.zeros(len(hits.nearest_records), dtype=np.int64)])
        distance = np.concatenate(
            [np.zeros(len(hits.overlap_records), dtype=np.int64), hits.nearest_distance]
        )
        order = np.argsort(records, kind="stable")  # each record's overlaps, then its nearest genes
        records, genes, overlap, distance = records[order], genes[order], overlap[order], distance[order]
        self._count(chunk, hits)
        # Each record's pieces, formatted once however many rows repeat them.
        starts, ends = _text(chunk.starts), _text(chunk.ends)
        own_tsv = pc.binary_join_element_wise(chunk.own, "\t", "")
        own_bed = pc.binary_join_element_wise(BED_CHROMOSOME, starts, ends, "", "\t")
        own_json = pc.binary_join_element_wise(
            ',\n{"line":', _text(chunk.lines), ',"record":', _json_fields(chunk.own),
            ',"start":', starts, ',"end":', ends, ",", "",
        )  # fmt: skip
        row_bytes = pc.binary_length(chunk.own).to_numpy(zero_copy_only=False)[records] + ROW_OVERHEAD_BYTES
        for low, high in ranges_within(row_bytes, ROW_BYTES_PER_WRITE):
            taken, gene = pa.array(records[low:high]), pa.array(genes[low:high])
            bp, dist = _text(overlap[low:high]), _text(distance[low:high])
            tsv = pc.binary_join_element_wise(
                own_tsv.take(taken), self._gene_tsv.take(gene), bp, "\t", dist, "\n", ""
            )
            bed = pc.binary_join_element_wise(
                own_bed.take(taken), self._gene_bed.take(gene), bp, "\t", dist, "\n", ""
            )
            rows_json = pc.binary_join_element_wise(
                own_json.take(taken), self._gene_json.take(gene), bp, ',"distance":', dist, "}", ""
            )
            self.bytes += _byte_length(tsv) + _byte_length(bed) + _byte_length(rows_json)
            if self.bound is not None and self.bytes > self.bound.max_bytes:
                raise ResultTooLarge(self.bound.refusal())
            # Every JSON row starts with ",\n" but the file's first, whose comma is skipped.
            self._write_later((tsv, bed, rows_json), skip_json=1 if self._first_json else 0)
            self._first_json = False
        self.tally.rows += len(records)

    def _write_later(self, renderings: tuple[pa.StringArray, ...], skip_json: int) -> None:
        """Hands the slice's renderings to the writing thread, which writes them in order while
        this one formats the next; at most MAX_PENDING_WRITES slices wait (bounded memory)."""
        while len(self._pending) >= MAX_PENDING_WRITES:
            self._pending.popleft().result()  # raises what the write raised

        def write() -> None:
            for fmt, strings in zip(RESULT_FILES, renderings, strict=True):
                _write(self._files[fmt], strings, skip=skip_json if fmt == "json" else 0)

        self._pending.append(self._writing.submit(write))

    def _count(self, chunk: Chunk, hits: Hits) -> None:
        annotated = np.zeros(len(chunk), dtype=bool)
        annotated[hits.overlap_records] = True
        nearest_only = np.zeros(len(chunk), dtype=bool)
        nearest_only[hits.nearest_records] = True
        self.tally.annotated += int(annotated.sum())
        self.tally.nearest_only += int(nearest_only.sum())
        self.tally.hits_by_gene += np.bincount(hits.overlap_genes, minlength=len(self.genes))
        self.tally.bins_overlap += np.bincount(
            chunk.starts[annotated] // PLOT_BIN_BP, minlength=len(self.tally.bins_overlap)
        )
        self.tally.bins_nearest += np.bincount(
            chunk.starts[nearest_only] // PLOT_BIN_BP, minlength=len(self.tally.bins_nearest)
        )

    def close(self) -> None:
        """Waits for every pending write (raising what one raised), then closes the files."""
        try:
            while self._pending:
                self._pending.popleft().result()
            self._files["json"].write(b"\n]\n" if not self._first_json else b"]\n")
        finally:
            self._writing.shutdown(cancel_futures=True)
            for handle in self._files.values():
                handle.close()

    def summary(self, input_format: str, counts: Counts) -> dict:
        hits = self.tally.hits_by_gene
        by_type = Counter()
        for gene in np.flatnonzero(hits).tolist():
            by_type[str(self.genes.types[gene])] += int(hits[gene])
        # Most hits first, then by gene id.
        top = sorted(np.flatnonzero(hits).tolist(), key=lambda gene: (-hits[gene], str(self.genes.ids[gene])))
        return {
            "format": input_format,
            "records_read": counts.read,
            "annotated": self.tally.annotated,
            "nearest_only": self.tally.nearest_only,
            "on_other_chromosomes": counts.other_chromosome,
            "invalid": counts.invalid,
            "first_invalid": [{"line": line, "reason": why} for line, why in counts.first_invalid],
            "rows": self.tally.rows,
            "overlaps_by_gene_type": dict(sorted(by_type.items(), key=lambda item: (-item[1], item[0]))),
            "top_genes": [
                {
                    "gene_id": str(self.genes.ids[gene]),
                    "gene_name": str(self.genes.names[gene]) or None,
                    "records": int(hits[gene]),
                }
                for gene in top[:TOP_GENES]
            ],
        }

    def write_summary(self, summary: dict) -> None:
        (self.folder / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    def write_plot(self, summary: dict) -> None:
        plot_hits(self.folder / PLOT_FILE, self.tally, self.genes, summary)


def plot_hits(path: Path, tally: Tally, genes: GeneTable, summary: dict) -> None:
    """An SVG: records per 500 kb along chromosome 21, overlapping a gene or only near one."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    # Same input, same bytes: no date in the file, fixed ids.
    matplotlib.rcParams["svg.hashsalt"] = "chr21"
    positions = np.arange(len(tally.bins_overlap)) * PLOT_BIN_BP / 1e6
    figure, axes = plt.subplots(figsize=(10, 3.2), layout="constrained")
    width = PLOT_BIN_BP / 1e6
    axes.bar(
        positions, tally.bins_overlap, width=width, align="edge", color="#1f6feb", label="overlap a gene"
    )
    axes.bar(
        positions, tally.bins_nearest, width=width, align="edge", bottom=tally.bins_overlap,
        color="#9ab8e0", label="nearest gene only",
    )  # fmt: skip
    for top in summary["top_genes"][:5]:
        index = int(np.flatnonzero(genes.ids == top["gene_id"])[0])
        axes.annotate(
            top["gene_name"] or top["gene_id"], (genes.starts[index] / 1e6, 0), xytext=(0, -24),
            textcoords="offset points", ha="center", fontsize=7, arrowprops={"arrowstyle": "-", "lw": 0.5},
        )  # fmt: skip
    axes.set_xlim(0, CHROMOSOME_LENGTH / 1e6)
    axes.set_xlabel("chromosome 21 position (Mb, GRCh38)", labelpad=18)
    axes.set_ylabel(f"records per {PLOT_BIN_BP // 1000} kb")
    axes.set_title(
        f"{summary['records_read']:,} records: {summary['annotated']:,} overlap a gene, "
        f"{summary['nearest_only']:,} only near one",
        fontsize=10,
    )
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)
