"""Output formats of the list and region endpoints: JSON (default), TSV and BED.

Chosen by the `format` query parameter, else by the Accept header.
"""

import csv
import io
from enum import StrEnum

from fastapi import HTTPException, Request, Response

from gene_api.catalogue import Page, page_json
from gene_api.coordinates import BED_CHROMOSOME, to_bed_interval
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


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, most preferred first (q-values; q=0 means never)."""
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


def negotiate(request: Request, requested: OutputFormat | None) -> OutputFormat:
    if requested is not None:
        return requested
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return OutputFormat.json
    for media_type in _accepted(accept):
        if media_type in ("*/*", "application/*"):
            return OutputFormat.json
        if media_type in _BY_MEDIA_TYPE:
            return _BY_MEDIA_TYPE[media_type]
        if media_type == "text/*":
            return OutputFormat.tsv
    raise HTTPException(
        status_code=406,
        detail=f"cannot answer with {accept!r}; available: {', '.join(MEDIA_TYPES.values())} "
        "(or pass format=json|tsv|bed)",
    )


def _tsv(genes: list[Gene]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for gene in genes:
        writer.writerow(["" if value is None else value for value in gene.model_dump().values()])
    return out.getvalue()


def _bed(genes: list[Gene]) -> str:
    """BED6: chrom, 0-based start, end (exclusive), name (stable id), score, strand."""
    lines = []
    for gene in genes:
        start, end = to_bed_interval(gene.gene_start, gene.gene_end)
        strand = "+" if gene.strand == 1 else "-"
        lines.append(f"{BED_CHROMOSOME}\t{start}\t{end}\t{gene.gene_stable_id}\t0\t{strand}\n")
    return "".join(lines)


def page_response(
    fmt: OutputFormat, page: Page, number: int, page_size: int, message: str | None
) -> Response:
    """One page of genes in the negotiated format. TSV and BED carry the total in X-Total-Count."""
    if fmt is OutputFormat.json:
        return Response(page_json(page, number, page_size, message), media_type=MEDIA_TYPES[fmt])
    genes = [entry.gene for entry in page.entries]
    body = _tsv(genes) if fmt is OutputFormat.tsv else _bed(genes)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"X-Total-Count": str(page.total)})
