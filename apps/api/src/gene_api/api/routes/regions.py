"""Genes overlapping a region."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from chr21_common.coordinates import ONLY_CHROMOSOME_21, REGION_EXAMPLE, parse_region
from gene_api.api.deps import (
    LIST_FORMATS,
    CatalogueDep,
    FormatQuery,
    PageQuery,
    PageSizeQuery,
    StrandQuery,
    TextQuery,
)
from gene_api.api.formats import list_response, negotiate
from gene_api.catalogue import GeneFilter
from gene_api.core.routing import CatalogueRoute
from gene_api.schemas import GenePage, Problem

router = APIRouter(tags=["regions"], route_class=CatalogueRoute)


@router.get(
    "/regions/{region}/genes",
    response_model=GenePage,
    responses={**LIST_FORMATS, 400: {"model": Problem, "description": "The region cannot be read"}},
)
async def genes_in_region(
    request: Request,
    catalogue: CatalogueDep,
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
) -> Response:
    """Genes overlapping the region (both ends inclusive), ordered by start: a page of them as
    JSON, or all of them as TSV or BED."""
    fmt = negotiate(request, output)
    interval = parse_region(region)
    if interval.chromosome is None:
        return list_response(request, fmt, [], page, page_size, ONLY_CHROMOSOME_21)
    found = catalogue.overlapping(interval, GeneFilter(gene_type=gene_type, strand=strand))
    return list_response(request, fmt, found, page, page_size, None)
