"""The gene catalogue in memory, and every query the API answers, as plain functions.

Why in memory: the catalogue is reference data (1,134 genes, ~120 KB) that changes only
when `gene-api db seed` loads a new data file. Each worker loads one immutable snapshot
from the database (the system of record) and answers from it, so a lookup costs
microseconds instead of a database round trip, and reads keep working through a short
database outage. `CatalogueHolder` reloads the snapshot when the dataset row in the
database changes (checked every CATALOGUE_REFRESH_SECONDS).
"""

import hashlib
import heapq
import json
import logging
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from chr21_common.coordinates import CHROMOSOME, Region, signed_distance
from chr21_common.models import Dataset
from chr21_common.models import Gene as GeneRow
from gene_api import dataset
from gene_api.schemas import DatasetInfo, Gene, Stats

log = logging.getLogger("gene_api.catalogue")


@dataclass(frozen=True)
class GeneFilter:
    """Optional filters shared by the list, region and nearest queries."""

    gene_type: str | None = None  # case-insensitive substring
    search: str | None = None  # case-insensitive words, each in the id, name or description
    strand: int | None = None

    def keeps(self, entry: "Entry") -> bool:
        if self.gene_type and self.gene_type.lower() not in entry.gene_type_lower:
            return False
        if self.search:
            # Every word of it, in the gene's id, name or description.
            haystacks = (entry.gene.gene_stable_id.lower(), entry.name_lower, entry.description_lower)
            for word in self.search.lower().split():
                if not any(word in haystack for haystack in haystacks):
                    return False
        return self.strand is None or entry.gene.strand == self.strand


# The columns a list can be ordered by. A gene without a name sorts after every named one.
ORDERS = {
    "start": lambda entry: entry.gene.gene_start,
    "name": lambda entry: (entry.gene.gene_name is None, entry.name_lower),
    "type": lambda entry: entry.gene_type_lower,
    "length": lambda entry: entry.gene.length,
}


@dataclass(frozen=True)
class Entry:
    """One gene, with what its queries and its JSON body need, computed once at load."""

    gene: Gene
    json: bytes
    name_lower: str
    description_lower: str
    gene_type_lower: str

    @classmethod
    def of(cls, gene: Gene) -> "Entry":
        return cls(
            gene=gene,
            json=gene.model_dump_json().encode(),
            name_lower=(gene.gene_name or "").lower(),
            description_lower=(gene.gene_description or "").lower(),
            gene_type_lower=gene.gene_type.lower(),
        )


@dataclass(frozen=True)
class Page:
    total: int
    entries: list[Entry]


def version_of(info: DatasetInfo) -> str:
    """What identifies a load of the data: a new seed of the same file changes it too."""
    return f"{info.sha256}@{info.loaded_at.isoformat()}"


@dataclass(frozen=True)
class Catalogue:
    """An immutable snapshot; entries are ordered by (start, stable id)."""

    version: str
    etag: str  # a short digest of the version, for HTTP validators
    entries: tuple[Entry, ...]
    info: DatasetInfo
    starts: list[int] = field(repr=False)
    by_id: dict[str, Entry] = field(repr=False)
    by_name: dict[str, list[Entry]] = field(repr=False)
    longest: int

    @classmethod
    def build(cls, genes: Iterable[Gene], info: DatasetInfo) -> "Catalogue":
        entries = tuple(Entry.of(g) for g in sorted(genes, key=lambda g: (g.gene_start, g.gene_stable_id)))
        by_name: dict[str, list[Entry]] = {}
        for entry in entries:
            if entry.name_lower:
                by_name.setdefault(entry.name_lower, []).append(entry)
        version = version_of(info)
        return cls(
            version=version,
            etag=hashlib.sha256(version.encode()).hexdigest()[:16],
            entries=entries,
            info=info,
            starts=[e.gene.gene_start for e in entries],
            by_id={e.gene.gene_stable_id: e for e in entries},
            by_name=by_name,
            longest=max((e.gene.length for e in entries), default=0),
        )

    # Queries -------------------------------------------------------------------------

    def genes(self, filters: GeneFilter, order: str = "start") -> list[Entry]:
        """Every gene the filters keep, ordered by start, or by `order` (ORDERS; "-" before
        it: descending), ties by start."""
        found = list(self._filtered(self.entries, filters))
        column = order.removeprefix("-")
        if column != "start" or order.startswith("-"):
            found.sort(key=ORDERS[column], reverse=order.startswith("-"))  # sort is stable
        return found

    def overlapping(self, region: Region, filters: GeneFilter) -> list[Entry]:
        """Genes overlapping a 1-based inclusive region: start <= region.end and end >= region.start."""
        # No gene starting before region.start - longest can reach the region.
        first = bisect_left(self.starts, region.start - self.longest)
        last = bisect_right(self.starts, region.end)
        window = (e for e in self.entries[first:last] if e.gene.gene_end >= region.start)
        return list(self._filtered(window, filters))

    def by_stable_id(self, gene_stable_id: str) -> Entry | None:
        return self.by_id.get(gene_stable_id)

    def named(self, name: str) -> list[Entry]:
        """Every gene of that name, case-insensitively, lowest start first."""
        return self.by_name.get(name.lower(), [])

    def nearest(self, position: int, k: int, filters: GeneFilter) -> list[tuple[Entry, int]]:
        """The k genes closest to a position with signed distances; ties go to the lower start."""
        scored = (
            (abs(d := signed_distance(position, e.gene.gene_start, e.gene.gene_end)), i, e, d)
            for i, e in enumerate(self._filtered(self.entries, filters))
        )
        return [(entry, distance) for _, _, entry, distance in heapq.nsmallest(k, scored)]

    def stats(self) -> Stats:
        genes = [e.gene for e in self.entries]
        by_type = Counter(g.gene_type for g in genes)
        by_strand = Counter(str(g.strand) for g in genes)
        return Stats(
            gene_count=len(genes),
            by_gene_type=dict(sorted(by_type.items(), key=lambda item: (-item[1], item[0]))),
            by_strand=dict(sorted(by_strand.items(), reverse=True)),
            span={"start": min(self.starts), "end": max(g.gene_end for g in genes)} if genes else None,
            dataset=self.info,
        )

    @staticmethod
    def _filtered(entries: Iterable[Entry], filters: GeneFilter) -> Iterator[Entry]:
        if filters == GeneFilter():
            return iter(entries)
        return (e for e in entries if filters.keeps(e))


def paged(matching: list[Entry], page: int, page_size: int) -> Page:
    offset = (page - 1) * page_size
    return Page(total=len(matching), entries=matching[offset : offset + page_size])


def page_json(page: Page, number: int, page_size: int, message: str | None) -> bytes:
    """The GenePage body, assembled from each gene's JSON encoded once at load time."""
    items = b",".join(e.json for e in page.entries)
    head = f'{{"total":{page.total},"page":{number},"page_size":{page_size},"items":['.encode()
    return head + items + f'],"message":{json.dumps(message)}}}'.encode()


# Loading from the database ---------------------------------------------------------------


def dataset_version(engine: Engine) -> DatasetInfo | None:
    """The dataset row, or None when the database has not been seeded."""
    with engine.connect() as connection:
        row = connection.execute(select(Dataset.__table__)).mappings().first()
    if row is None or row["gene_count"] == 0:
        return None
    return DatasetInfo(
        assembly=dataset.ASSEMBLY,
        source=dataset.SOURCE,
        coordinates=dataset.COORDINATES,
        file_name=row["file_name"],
        sha256=row["sha256"],
        loaded_at=row["loaded_at"],
    )


def load(engine: Engine, info: DatasetInfo) -> Catalogue:
    with engine.connect() as connection:
        rows = connection.execute(select(GeneRow.__table__)).mappings().all()
    return Catalogue.build(
        (Gene.model_validate(row) for row in rows if row["chromosome"] == CHROMOSOME), info
    )


class CatalogueHolder:
    """The current snapshot of one worker; `refresh()` swaps in a new one when the data changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.current: Catalogue | None = None
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Reload when the dataset row changed. Returns True when a new snapshot was loaded.
        Database errors propagate; the previous snapshot stays in service."""
        with self._lock:
            info = dataset_version(self.engine)
            if info is None:
                return False
            if self.current is not None and self.current.version == version_of(info):
                return False
            self.current = load(self.engine, info)
            log.info("catalogue loaded", extra={"genes": len(self.current.entries), "sha256": info.sha256})
            return True
