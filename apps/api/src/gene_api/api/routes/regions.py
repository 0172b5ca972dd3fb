"""Genes overlapping a region."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

from gene_api import genes
from gene_api.api.deps import (
    LIST_FORMATS,
    FormatQuery,
    PageQuery,
    PageSizeQuery,
    SessionDep,
    StrandQuery,
    TextQuery,
)
from gene_api.api.formats import negotiate, page_response
from gene_api.coordinates import ONLY_CHROMOSOME_21, REGION_EXAMPLE, parse_region
from gene_api.schemas import GenePage, Problem

router = APIRouter(tags=["regions"])


@router.get(
    "/regions/{region}/genes",
    response_model=GenePage,
    responses={**LIST_FORMATS, 400: {"model": Problem, "description": "The region cannot be read"}},
)
def genes_in_region(
    request: Request,
    session: SessionDep,
    region: Annotated[
        str,
        Path(
            max_length=100,
            description=f"CHROMOSOME:START-END, 1-based inclusive, e.g. {REGION_EXAMPLE}, "
            "chr21:25,880,535-26,171,128 or NC_000021.9:25880535-26171128",
        ),
    ],
    gene_type: TextQuery = None,
    strand: StrandQuery = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 25,
    output: FormatQuery = None,
):
    """Genes overlapping the region (both ends inclusive), ordered by start."""
    fmt = negotiate(request, output)
    interval = parse_region(region)
    if interval.chromosome is None:
        total, items, message = 0, [], ONLY_CHROMOSOME_21
    else:
        filters = genes.GeneFilter(gene_type=gene_type, strand=strand)
        (total, items), message = genes.genes_in_region(session, interval, filters, page, page_size), None
    return page_response(fmt, items, total, page, page_size, message)
