"""Output formats of the list and region endpoints: JSON (default, paged), TSV and BED (complete).

Chosen by the `format` query parameter, else by the Accept header. JSON answers one page;
TSV and BED are exports: every matching gene, streamed, never silently cut to a page.
"""

import csv
import io
from collections.abc import Iterator
from enum import StrEnum

from fastapi import HTTPException, Request, Response
from fastapi.responses import StreamingResponse

from chr21_common.coordinates import BED_CHROMOSOME, to_bed_interval
from gene_api.catalogue import Entry, page_json, paged
from gene_api.core.mediatypes import best_match
from gene_api.core.problems import excerpt
from gene_api.schemas import Gene


class OutputFormat(StrEnum):
    json = "json"
    tsv = "tsv"
    bed = "bed"


MEDIA_TYPES = {
    OutputFormat.json: "application/json",
    OutputFormat.tsv: "text/tab-separated-values",
    OutputFormat.bed: "text/x-bed",
}
_BY_MEDIA_TYPE = {media_type: fmt for fmt, media_type in MEDIA_TYPES.items()}
TSV_COLUMNS = list(Gene.model_fields)
# Genes per chunk of a streamed export.
CHUNK = 100


def negotiate(request: Request, requested: OutputFormat | None) -> OutputFormat:
    if requested is not None:
        return requested
    accept = request.headers.get("accept", "")
    chosen = best_match(accept, list(MEDIA_TYPES.values()))
    if chosen is None:  # ApiRoute.check_accept answers 406 before this; kept for direct callers
        raise HTTPException(status_code=406, detail=f"cannot answer with {excerpt(accept)!r}")
    return _BY_MEDIA_TYPE[chosen]


def _chunks(entries: list[Entry]) -> Iterator[list[Entry]]:
    for first in range(0, len(entries), CHUNK):
        yield entries[first : first + CHUNK]


def _tsv(entries: list[Entry]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    yield out.getvalue()
    for chunk in _chunks(entries):
        out.seek(0)
        out.truncate()
        for entry in chunk:
            writer.writerow(["" if value is None else value for value in entry.gene.model_dump().values()])
        yield out.getvalue()


def _bed_line(gene: Gene) -> str:
    """BED6: chrom, 0-based start, end (exclusive), name (stable id), score, strand."""
    start, end = to_bed_interval(gene.gene_start, gene.gene_end)
    strand = "+" if gene.strand == 1 else "-"
    return f"{BED_CHROMOSOME}\t{start}\t{end}\t{gene.gene_stable_id}\t0\t{strand}\n"


def _bed(entries: list[Entry]) -> Iterator[str]:
    for chunk in _chunks(entries):
        yield "".join(_bed_line(entry.gene) for entry in chunk)


def list_response(
    request: Request, fmt: OutputFormat, matching: list[Entry], page: int, page_size: int, message: str | None
) -> Response:
    """JSON: one page of `matching`. TSV, BED: all of it, with the count in X-Total-Count."""
    if fmt is OutputFormat.json:
        body = page_json(paged(matching, page, page_size), page, page_size, message)
        return Response(body, media_type=MEDIA_TYPES[fmt])
    if {"page", "page_size"} & set(request.query_params):
        raise HTTPException(
            status_code=400,
            detail=f"page and page_size apply to JSON only; a {fmt} export holds every matching gene",
        )
    rows = _tsv(matching) if fmt is OutputFormat.tsv else _bed(matching)
    return StreamingResponse(rows, media_type=MEDIA_TYPES[fmt], headers={"X-Total-Count": str(len(matching))})
