"""What a job writes: the annotation as TSV, BED and JSON, its summary, and a picture.

One row per (input record, overlapping gene), and for a record that overlaps no gene one row
per nearest gene. TSV rows are the record's own fields followed by the annotation columns,
as `bedtools intersect -wao` lays them out; BED rows are the record's interval named by the
gene; JSON is one array of objects. Rows are written chunk by chunk as the engine yields
them, so memory does not grow with the output either.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from annotator.engine import GeneTable, Hits
from annotator.inputs import Chunk, Counts
from gene_api.coordinates import BED_CHROMOSOME, CHROMOSOME_LENGTH
from gene_api.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE

ANNOTATION_COLUMNS = ("gene_id", "gene_name", "gene_type", "gene_strand", "overlap_bp", "distance")
STRAND = {1: "+", -1: "-"}
TOP_GENES = 10
# The picture counts records in bins of this many bp along the chromosome.
PLOT_BIN_BP = 500_000


@dataclass
class Tally:
    """What the summary and the picture count, chunk by chunk."""

    annotated: int = 0  # records overlapping at least one gene
    nearest_only: int = 0
    rows: int = 0
    hits_by_gene: Counter = field(default_factory=Counter)
    bins_overlap: np.ndarray = field(default_factory=lambda: np.zeros(CHROMOSOME_LENGTH // PLOT_BIN_BP + 1))
    bins_nearest: np.ndarray = field(default_factory=lambda: np.zeros(CHROMOSOME_LENGTH // PLOT_BIN_BP + 1))


# Characters a JSON string must escape, apart from the tab that separates fields.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f"\\]')


def _json_fields(own: str) -> str:
    """A record's tab-separated fields as a JSON array (the fast path when nothing needs escaping)."""
    if _NEEDS_ESCAPE.search(own):
        return json.dumps(own.split("\t"), ensure_ascii=False)
    return '["' + own.replace("\t", '", "') + '"]'


class ResultWriter:
    """Writes the three renderings of the rows into `folder`, then the summary and the picture."""

    def __init__(self, folder: Path, genes: GeneTable) -> None:
        self.folder = folder
        self.genes = genes
        self.tally = Tally()
        # Each gene's columns, formatted once.
        self._gene_tsv = [
            f"{genes.ids[i]}\t{genes.names[i]}\t{genes.types[i]}\t{STRAND[int(genes.strands[i])]}"
            for i in range(len(genes))
        ]
        self._gene_json = [
            json.dumps(
                {
                    "gene_id": genes.ids[i],
                    "gene_name": genes.names[i] or None,
                    "gene_type": genes.types[i],
                    "gene_strand": STRAND[int(genes.strands[i])],
                }
            )[1:-1]
            for i in range(len(genes))
        ]
        self._gene_bed = [
            f"{genes.ids[i]}\t0\t{STRAND[int(genes.strands[i])]}\t{genes.names[i]}" for i in range(len(genes))
        ]
        self._files: dict[str, TextIO] = {
            fmt: (folder / name).open("w", encoding="utf-8", newline="\n")
            for fmt, name in RESULT_FILES.items()
        }
        self._files["tsv"].write("#record\t" + "\t".join(ANNOTATION_COLUMNS) + "\n")
        self._files["json"].write("[")
        self._first_json = True

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
        own, starts, ends, lines = chunk.own, chunk.starts.tolist(), chunk.ends.tolist(), chunk.lines.tolist()
        own_json = [_json_fields(text) for text in own]
        gene_tsv, gene_bed, gene_json = self._gene_tsv, self._gene_bed, self._gene_json
        tsv, bed, js = [], [], []
        for record, gene, bp, dist in zip(
            records.tolist(), genes.tolist(), overlap.tolist(), distance.tolist(), strict=True
        ):
            tsv.append(f"{own[record]}\t{gene_tsv[gene]}\t{bp}\t{dist}\n")
            bed.append(
                f"{BED_CHROMOSOME}\t{starts[record]}\t{ends[record]}\t{gene_bed[gene]}\t{bp}\t{dist}\n"
            )
            js.append(
                f'{{"line": {lines[record]}, "record": {own_json[record]}, "start": {starts[record]}, '
                f'"end": {ends[record]}, {gene_json[gene]}, "overlap_bp": {bp}, "distance": {dist}}}'
            )
        self._files["tsv"].write("".join(tsv))
        self._files["bed"].write("".join(bed))
        if js:
            self._files["json"].write(("\n" if self._first_json else ",\n") + ",\n".join(js))
            self._first_json = False
        self.tally.rows += len(tsv)

    def _count(self, chunk: Chunk, hits: Hits) -> None:
        annotated = np.unique(hits.overlap_records)
        nearest_only = np.unique(hits.nearest_records)
        self.tally.annotated += len(annotated)
        self.tally.nearest_only += len(nearest_only)
        self.tally.hits_by_gene.update(hits.overlap_genes.tolist())
        self.tally.bins_overlap += np.bincount(
            chunk.starts[annotated] // PLOT_BIN_BP, minlength=len(self.tally.bins_overlap)
        )
        self.tally.bins_nearest += np.bincount(
            chunk.starts[nearest_only] // PLOT_BIN_BP, minlength=len(self.tally.bins_nearest)
        )

    def close(self) -> None:
        self._files["json"].write("\n]\n" if not self._first_json else "]\n")
        for handle in self._files.values():
            handle.close()

    def summary(self, input_format: str, counts: Counts) -> dict:
        by_type = Counter()
        for gene, hits in self.tally.hits_by_gene.items():
            by_type[str(self.genes.types[gene])] += hits
        top = sorted(
            self.tally.hits_by_gene.items(), key=lambda item: (-item[1], str(self.genes.ids[item[0]]))
        )
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
                    "records": n,
                }
                for gene, n in top[:TOP_GENES]
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
