"""The annotation engine: for each input interval, the chromosome 21 genes it overlaps, and for
one that overlaps none, the nearest gene(s) with a signed distance.

Semantics are bedtools' (the correctness oracle in the tests):
- intervals are 0-based, half-open; a gene at Ensembl [start, end] is [start - 1, end);
- overlap is `bedtools intersect -wao`: half-open intersection, its length in bp;
- a zero-length record [s, s) (an insertion point) is matched as [s - 1, s + 1), as bedtools
  does, with an overlap of 0 bp;
- nearest is `bedtools closest -t all`: every gene at the smallest distance, the distance
  counted as bedtools does (book-ended = 1), signed as `-D b`: negative when the record lies
  upstream of the gene on the gene's strand.

Overlaps come from NCLS (a nested containment list, in C); the nearest genes from binary
search over the genes sorted by end and by start (numpy). Everything works on numpy arrays of
one chunk of records at a time, so memory depends on the chunk size, not on the input's.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from ncls import NCLS


@dataclass(frozen=True)
class GeneTable:
    """The genes, 0-based half-open, in arrays indexed alike."""

    ids: np.ndarray
    names: np.ndarray
    types: np.ndarray
    strands: np.ndarray  # 1 or -1
    starts: np.ndarray  # 0-based
    ends: np.ndarray  # exclusive

    @classmethod
    def from_rows(cls, rows: Iterable[dict]) -> "GeneTable":
        """From rows with the gene API's fields (gene_stable_id, gene_start 1-based inclusive, ...)."""
        rows = sorted(rows, key=lambda r: (int(r["gene_start"]), r["gene_stable_id"]))
        return cls(
            ids=np.array([r["gene_stable_id"] for r in rows], dtype=object),
            names=np.array([r["gene_name"] or "" for r in rows], dtype=object),
            types=np.array([r["gene_type"] for r in rows], dtype=object),
            strands=np.array([int(r["strand"]) for r in rows], dtype=np.int64),
            starts=np.array([int(r["gene_start"]) - 1 for r in rows], dtype=np.int64),
            ends=np.array([int(r["gene_end"]) for r in rows], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def lookup(self) -> dict[str, int]:
        """Upper-cased gene id and gene name -> the gene's index (ids win over names)."""
        found = {str(name).upper(): i for i, name in enumerate(self.names) if name}
        found.update({str(gene_id).upper(): i for i, gene_id in enumerate(self.ids)})
        return found


def ranges_within(sizes: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """Consecutive (low, high) ranges of `sizes`, each summing to at most `budget`, but a range
    of one that exceeds it alone."""
    total = np.cumsum(sizes)
    low = 0
    while low < len(sizes):
        before = int(total[low - 1]) if low else 0
        high = max(low + 1, int(np.searchsorted(total, before + budget, side="right")))
        yield low, high
        low = high


@dataclass(frozen=True)
class Hits:
    """What one chunk of records hits: parallel arrays of (record index, gene index, value)."""

    overlap_records: np.ndarray
    overlap_genes: np.ndarray
    overlap_bp: np.ndarray
    nearest_records: np.ndarray
    nearest_genes: np.ndarray
    nearest_distance: np.ndarray  # signed, bedtools `closest -D b`


class Annotator:
    def __init__(self, genes: GeneTable) -> None:
        self.genes = genes
        self._tree = NCLS(genes.starts, genes.ends, np.arange(len(genes.starts), dtype=np.int64))
        self._by_end = np.argsort(genes.ends, kind="stable")
        self._ends_sorted = genes.ends[self._by_end]
        self._by_start = np.argsort(genes.starts, kind="stable")
        self._starts_sorted = genes.starts[self._by_start]

    def overlap_counts(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """How many genes each record [starts, ends) overlaps, without finding them: the genes
        starting before its end but those ending at or before its start (a gene is never empty)."""
        query_starts, query_ends = _queries(starts, ends)
        return np.searchsorted(self._starts_sorted, query_ends, side="left") - np.searchsorted(
            self._ends_sorted, query_starts, side="right"
        )

    def annotate(self, starts: np.ndarray, ends: np.ndarray) -> Hits:
        """Hits of records [starts, ends) (0-based, half-open, int64; ends >= starts)."""
        query_starts, query_ends = _queries(starts, ends)
        records, genes = self._tree.all_overlaps_both(
            query_starts, query_ends, np.arange(len(starts), dtype=np.int64)
        )
        order = np.argsort(records * len(self.genes) + genes, kind="stable")
        records, genes = records[order], genes[order]
        overlap = np.minimum(ends[records], self.genes.ends[genes]) - np.maximum(
            starts[records], self.genes.starts[genes]
        )
        overlap = np.maximum(overlap, 0)
        alone = np.ones(len(starts), dtype=bool)
        alone[records] = False
        lonely = np.flatnonzero(alone)
        near_records, near_genes, distance = self._nearest(lonely, query_starts[lonely], query_ends[lonely])
        return Hits(records, genes, overlap, near_records, near_genes, distance)

    def _nearest(self, records: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        """Every gene at the smallest distance of each record, which overlaps none."""
        if len(records) == 0:
            empty = np.array([], dtype=np.int64)
            return empty, empty, empty
        big = np.iinfo(np.int64).max
        # Left: the genes ending at or before the record's start, the last of them first.
        left_at = np.searchsorted(self._ends_sorted, starts, side="right") - 1
        left_end = np.where(left_at >= 0, self._ends_sorted[np.maximum(left_at, 0)], -1)
        left_distance = np.where(left_at >= 0, starts - left_end + 1, big)
        # Right: the genes starting at or after the record's end, the first of them first.
        right_at = np.searchsorted(self._starts_sorted, ends, side="left")
        has_right = right_at < len(self._starts_sorted)
        right_start = np.where(
            has_right, self._starts_sorted[np.minimum(right_at, len(self._starts_sorted) - 1)], -1
        )
        right_distance = np.where(has_right, right_start - ends + 1, big)
        best = np.minimum(left_distance, right_distance)
        parts = []
        # "left": the gene lies left of the record (it ends before); "right": after it.
        for side, edge, sorted_edges, order, distance in (
            ("left", left_end, self._ends_sorted, self._by_end, left_distance),
            ("right", right_start, self._starts_sorted, self._by_start, right_distance),
        ):
            chosen = np.flatnonzero((distance == best) & (distance != big))
            # Every gene sharing that edge is as near (bedtools -t all): a run in the sorted edges.
            low = np.searchsorted(sorted_edges, edge[chosen], side="left")
            high = np.searchsorted(sorted_edges, edge[chosen], side="right")
            runs = high - low
            which = np.repeat(chosen, runs)
            offsets = np.arange(runs.sum()) - np.repeat(np.cumsum(runs) - runs, runs)
            genes = order[np.repeat(low, runs) + offsets]
            # Upstream of a + gene is left of it; of a - gene, right of it.
            upstream = (self.genes.strands[genes] == 1) == (side == "right")
            parts.append((records[which], genes, np.where(upstream, -distance[which], distance[which])))
        records_out = np.concatenate([part[0] for part in parts])
        genes_out = np.concatenate([part[1] for part in parts])
        distance_out = np.concatenate([part[2] for part in parts])
        order_out = np.lexsort((genes_out, records_out))
        return (
            records_out[order_out],
            genes_out[order_out],
            distance_out[order_out],
        )


def _queries(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The intervals matched for records [starts, ends): a zero-length one as [s - 1, s + 1)."""
    zero = starts == ends
    return np.where(zero, starts - 1, starts), np.where(zero, ends + 1, ends)
