"""Gene lookup: list, by id, by name, nearest to a position, batch."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request

from gene_api import genes
from gene_api.api.deps import (
    LIST_FORMATS,
    FormatQuery,
    PageQuery,
    PageSizeQuery,
    SessionDep,
    TextQuery,
)
from gene_api.api.formats import negotiate, page_response
from gene_api.coordinates import ONLY_CHROMOSOME_21, POSITION_EXAMPLE, normalize_chromosome, parse_position
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

router = APIRouter(tags=["genes"])
NOT_FOUND = {404: {"model": Problem, "description": "No such gene"}}


@router.get("/genes", response_model=GenePage, responses=LIST_FORMATS)
def list_genes(
    request: Request,
    session: SessionDep,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 25,
    chromosome: TextQuery = None,
    gene_type: TextQuery = None,
    search: TextQuery = None,
    output: FormatQuery = None,
):
    """Genes ordered by start; `gene_type` and `search` are case-insensitive substrings."""
    fmt = negotiate(request, output)
    filters = genes.GeneFilter(gene_type=gene_type, search=search)
    wanted = normalize_chromosome(chromosome) if chromosome else genes.CHROMOSOME
    if wanted is None:
        total, items, message = 0, [], ONLY_CHROMOSOME_21
    else:
        (total, items), message = genes.list_genes(session, wanted, filters, page, page_size), None
    return page_response(fmt, items, total, page, page_size, message)


@router.get("/genes/nearest", response_model=NearestGenes, responses={400: {"model": Problem}})
def nearest_genes(
    session: SessionDep,
    position: Annotated[str, Query(description=f"CHROMOSOME:POSITION, e.g. {POSITION_EXAMPLE}")],
    k: Annotated[int, Query(ge=1, le=100, description="how many genes")] = 3,
    gene_type: TextQuery = None,
) -> NearestGenes:
    """The k genes nearest a position, each with its signed distance in bp."""
    chromosome, where = parse_position(position)
    if chromosome is None:
        return NearestGenes(
            chromosome=position.split(":")[0], position=where, items=[], message=ONLY_CHROMOSOME_21
        )
    found = genes.nearest_genes(session, where, k, genes.GeneFilter(gene_type=gene_type))
    items = [
        NearestGene(**Gene.model_validate(gene).model_dump(), distance=distance) for gene, distance in found
    ]
    return NearestGenes(chromosome=chromosome, position=where, items=items)


@router.post("/genes/batch", response_model=BatchResponse)
def batch_lookup(session: SessionDep, body: BatchRequest) -> BatchResponse:
    """Look up to 1,000 ids or names at once; a name shared by several genes returns all of them."""
    if isinstance(body, BatchByIds):
        found = genes.genes_by_ids(session, body.ids)
    else:
        found = genes.genes_by_names(session, body.names)
    return BatchResponse(
        results=[
            BatchEntry(query=query, found=bool(hits), genes=[Gene.model_validate(g) for g in hits])
            for query, hits in found.items()
        ]
    )


@router.api_route("/genes/batch", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def batch_other_methods() -> None:
    """Without this, GET /genes/batch would reach /genes/{gene_stable_id} and fail its pattern."""
    raise HTTPException(status_code=405, detail="use POST for /genes/batch", headers={"Allow": "POST"})


@router.get("/genes/by-name/{gene_name}", response_model=Gene, responses=NOT_FOUND)
def gene_by_name(
    session: SessionDep, gene_name: Annotated[str, Path(max_length=64, pattern=r"^[^\x00]+$")]
) -> Gene:
    """The gene of that name (case-insensitive) with the lowest start."""
    gene = genes.get_gene_by_name(session, gene_name)
    if gene is None:
        raise HTTPException(status_code=404, detail="Gene not found")
    return Gene.model_validate(gene)


@router.get("/genes/{gene_stable_id}", response_model=Gene, responses=NOT_FOUND)
def gene_by_id(
    session: SessionDep,
    gene_stable_id: Annotated[
        str, Path(pattern=GENE_ID_PATTERN, description="Ensembl gene id, ENSG + 11 digits")
    ],
) -> Gene:
    gene = genes.get_gene(session, gene_stable_id)
    if gene is None:
        raise HTTPException(status_code=404, detail="Gene not found")
    return Gene.model_validate(gene)
