"""Queries over the gene catalogue: plain functions of a Session, no HTTP here."""

from dataclasses import dataclass

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from gene_api.coordinates import CHROMOSOME, Region, signed_distance
from gene_api.models import Dataset, Gene


@dataclass(frozen=True)
class GeneFilter:
    """Optional filters shared by the list, region and nearest queries."""

    gene_type: str | None = None  # case-insensitive substring
    search: str | None = None  # case-insensitive substring of name or description
    strand: int | None = None

    def apply(self, query: Select) -> Select:
        if self.gene_type:
            query = query.where(Gene.gene_type.icontains(self.gene_type, autoescape=True))
        if self.search:
            query = query.where(
                or_(
                    Gene.gene_name.icontains(self.search, autoescape=True),
                    Gene.gene_description.icontains(self.search, autoescape=True),
                )
            )
        if self.strand is not None:
            query = query.where(Gene.strand == self.strand)
        return query


def _page(session: Session, query: Select, page: int, page_size: int) -> tuple[int, list[Gene]]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Gene.gene_start, Gene.gene_stable_id).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return total, list(items)


def list_genes(
    session: Session, chromosome: str, filters: GeneFilter, page: int, page_size: int
) -> tuple[int, list[Gene]]:
    query = filters.apply(select(Gene).where(Gene.chromosome == chromosome))
    return _page(session, query, page, page_size)


def genes_in_region(
    session: Session, region: Region, filters: GeneFilter, page: int, page_size: int
) -> tuple[int, list[Gene]]:
    """Genes overlapping a 1-based inclusive region: start <= region.end and end >= region.start."""
    query = select(Gene).where(
        Gene.chromosome == region.chromosome,
        Gene.gene_start <= region.end,
        Gene.gene_end >= region.start,
    )
    return _page(session, filters.apply(query), page, page_size)


def get_gene(session: Session, gene_stable_id: str) -> Gene | None:
    return session.get(Gene, gene_stable_id)


def get_gene_by_name(session: Session, name: str) -> Gene | None:
    """The case-insensitive name match with the lowest start (names are not unique)."""
    query = (
        select(Gene)
        .where(func.lower(Gene.gene_name) == name.lower())
        .order_by(Gene.gene_start, Gene.gene_stable_id)
        .limit(1)
    )
    return session.scalars(query).first()


def nearest_genes(session: Session, position: int, k: int, filters: GeneFilter) -> list[tuple[Gene, int]]:
    """The k genes closest to a position, with signed distances; ties broken by start."""
    gap = case(
        (Gene.gene_start > position, Gene.gene_start - position),
        (Gene.gene_end < position, position - Gene.gene_end),
        else_=0,
    )
    query = filters.apply(select(Gene).where(Gene.chromosome == CHROMOSOME))
    genes = session.scalars(query.order_by(gap, Gene.gene_start, Gene.gene_stable_id).limit(k)).all()
    return [(gene, signed_distance(position, gene.gene_start, gene.gene_end)) for gene in genes]


def genes_by_ids(session: Session, ids: list[str]) -> dict[str, list[Gene]]:
    found = session.scalars(select(Gene).where(Gene.gene_stable_id.in_(set(ids)))).all()
    by_id = {gene.gene_stable_id: [gene] for gene in found}
    return {query: by_id.get(query, []) for query in ids}


def genes_by_names(session: Session, names: list[str]) -> dict[str, list[Gene]]:
    """Every gene of each name, case-insensitively; a shared name returns all its genes."""
    wanted = {name.lower() for name in names}
    found = session.scalars(
        select(Gene)
        .where(func.lower(Gene.gene_name).in_(wanted))
        .order_by(Gene.gene_start, Gene.gene_stable_id)
    ).all()
    by_name: dict[str, list[Gene]] = {}
    for gene in found:
        by_name.setdefault((gene.gene_name or "").lower(), []).append(gene)
    return {query: by_name.get(query.lower(), []) for query in names}


def catalogue_stats(session: Session) -> dict:
    by_type = dict(session.execute(select(Gene.gene_type, func.count()).group_by(Gene.gene_type)).all())
    by_strand = dict(session.execute(select(Gene.strand, func.count()).group_by(Gene.strand)).all())
    start, end = session.execute(select(func.min(Gene.gene_start), func.max(Gene.gene_end))).one()
    return {
        "gene_count": sum(by_type.values()),
        "by_gene_type": dict(sorted(by_type.items(), key=lambda item: (-item[1], item[0]))),
        "by_strand": {str(strand): count for strand, count in sorted(by_strand.items(), reverse=True)},
        "span": None if start is None else {"start": start, "end": end},
        "dataset": session.get(Dataset, 1),
    }


def is_seeded(session: Session) -> bool:
    dataset = session.get(Dataset, 1)
    return dataset is not None and dataset.gene_count > 0
