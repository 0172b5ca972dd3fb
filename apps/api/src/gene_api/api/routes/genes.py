"""Gene lookup: list, by id, by name, nearest to a position, batch."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.routing import APIRoute

from chr21_common.coordinates import (
    ONLY_CHROMOSOME_21,
    POSITION_EXAMPLE,
    normalize_chromosome,
    parse_position,
)
from gene_api.api.deps import (
    LIST_FORMATS,
    UNAVAILABLE,
    CatalogueDep,
    FormatQuery,
    PageQuery,
    PageSizeQuery,
    SortQuery,
    StrandQuery,
    TextQuery,
)
from gene_api.api.formats import list_response, negotiate
from gene_api.catalogue import GeneFilter
from gene_api.core.routing import CatalogueRoute
from gene_api.schemas import (
    GENE_ID_PATTERN,
    BatchByIds,
    BatchEntry,
    BatchRequest,
    BatchResponse,
    Gene,
    GenePage,
    NearestGene,
    NearestGenes,
    Problem,
)

router = APIRouter(tags=["genes"], route_class=CatalogueRoute)
NOT_FOUND = {404: {"model": Problem, "description": "No such gene"}, **UNAVAILABLE}


@router.get("/genes", response_model=GenePage, responses=LIST_FORMATS)
async def list_genes(
    request: Request,
    catalogue: CatalogueDep,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 25,
    chromosome: TextQuery = None,
    gene_type: TextQuery = None,
    search: TextQuery = None,
    strand: StrandQuery = None,
    sort: SortQuery = None,
    output: FormatQuery = None,
) -> Response:
    """Genes ordered by start, or by `sort`; `gene_type` is a case-insensitive substring, and
    every word of `search` must be in the gene's id, name or description. JSON answers a page;
    TSV and BED answer every matching gene."""
    fmt = negotiate(request, output)
    if chromosome and normalize_chromosome(chromosome) is None:
        return list_response(request, fmt, [], page, page_size, ONLY_CHROMOSOME_21)
    found = catalogue.genes(GeneFilter(gene_type=gene_type, search=search, strand=strand), (sort or "start"))
    return list_response(request, fmt, found, page, page_size, None)


@router.get("/genes/nearest", response_model=NearestGenes, responses={400: {"model": Problem}, **UNAVAILABLE})
async def nearest_genes(
    catalogue: CatalogueDep,
    position: Annotated[
        str, Query(max_length=64, description=f"CHROMOSOME:POSITION, e.g. {POSITION_EXAMPLE}")
    ],
    k: Annotated[int, Query(ge=1, le=100, description="how many genes")] = 3,
    gene_type: TextQuery = None,
) -> NearestGenes:
    """The k genes nearest a position, each with its signed distance in bp."""
    chromosome, where = parse_position(position)
    if chromosome is None:
        return NearestGenes(
            chromosome=position.split(":")[0], position=where, items=[], message=ONLY_CHROMOSOME_21
        )
    found = catalogue.nearest(where, k, GeneFilter(gene_type=gene_type))
    items = [NearestGene(**entry.gene.model_dump(), distance=distance) for entry, distance in found]
    return NearestGenes(chromosome=chromosome, position=where, items=items)


@router.post("/genes/batch", response_model=BatchResponse, responses=UNAVAILABLE)
async def batch_lookup(catalogue: CatalogueDep, body: BatchRequest) -> BatchResponse:
    """Look up to 1,000 ids or names at once: one result per query, in the order sent, repeated
    and unknown queries included; a name shared by several genes returns all of them."""
    if isinstance(body, BatchByIds):
        found = [(query, [e] if (e := catalogue.by_stable_id(query)) else []) for query in body.ids]
    else:
        found = [(query, catalogue.named(query)) for query in body.names]
    return BatchResponse(
        results=[
            BatchEntry(query=query, found=bool(hits), genes=[entry.gene for entry in hits])
            for query, hits in found
        ]
    )


async def batch_other_methods() -> None:
    """Without this, GET /genes/batch would reach /genes/{gene_stable_id} and fail its pattern."""
    raise HTTPException(status_code=405, detail="use POST for /genes/batch", headers={"Allow": "POST"})


# A plain APIRoute: a wrong method is a 405 whatever the request carries.
router.add_api_route(
    "/genes/batch",
    batch_other_methods,
    methods=["GET", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
    route_class_override=APIRoute,
)


@router.get("/genes/by-name/{gene_name}", response_model=Gene, responses=NOT_FOUND)
async def gene_by_name(catalogue: CatalogueDep, gene_name: Annotated[str, Path(max_length=64)]) -> Response:
    """The gene of that name (case-insensitive) with the lowest start."""
    named = catalogue.named(gene_name)
    if not named:
        raise HTTPException(status_code=404, detail="Gene not found")
    return Response(named[0].json, media_type="application/json")


@router.get("/genes/{gene_stable_id}", response_model=Gene, responses=NOT_FOUND)
async def gene_by_id(
    catalogue: CatalogueDep,
    gene_stable_id: Annotated[
        str, Path(pattern=GENE_ID_PATTERN, description="Ensembl gene id, ENSG + 11 digits")
    ],
) -> Response:
    entry = catalogue.by_stable_id(gene_stable_id)
    if entry is None:
        raise HTTPException(status_code=404, detail="Gene not found")
    return Response(entry.json, media_type="application/json")
