"""Parameters shared by several routes, declared once."""

from enum import IntEnum, StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from gene_api.api.formats import MEDIA_TYPES, OutputFormat
from gene_api.catalogue import Catalogue


async def current_catalogue(request: Request) -> Catalogue:
    catalogue = request.app.state.catalogue.current
    if catalogue is None:
        raise HTTPException(
            status_code=503,
            detail="the gene catalogue is not loaded yet: the database is unreachable or not seeded",
        )
    return catalogue


# `async def` although it awaits nothing: FastAPI would run a plain `def` in its thread pool.
CatalogueDep = Annotated[Catalogue, Depends(current_catalogue)]
# Bounded so that paging arithmetic stays small.
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
PageSizeQuery = Annotated[int, Query(ge=1, le=200, description="genes per page, 1-200")]
# Free text a user types.
TextQuery = Annotated[str | None, Query(max_length=200)]


class Strand(IntEnum):
    forward = 1
    reverse = -1


StrandQuery = Annotated[Strand | None, Query(description="1 (forward) or -1 (reverse)")]


class GeneOrder(StrEnum):
    """A list's order: a column, descending with a leading '-'; ties keep the order by start."""

    start = "start"
    start_desc = "-start"
    name = "name"
    name_desc = "-name"
    type = "type"
    type_desc = "-type"
    length = "length"
    length_desc = "-length"


SortQuery = Annotated[
    GeneOrder | None, Query(description="start (default), name, type or length; '-' before it: descending")
]
FormatQuery = Annotated[
    OutputFormat | None,
    Query(alias="format", description="json (default), tsv or bed; else the Accept header decides"),
]
UNAVAILABLE = {503: {"description": "The catalogue is not loaded: database unreachable or not seeded"}}
LIST_FORMATS = {
    200: {
        "description": "A page of genes as JSON, or every matching gene as TSV or BED "
        "(BED is 0-based, half-open).",
        "content": {
            media_type: {} for fmt, media_type in MEDIA_TYPES.items() if fmt is not OutputFormat.json
        },
    },
    406: {"description": "The Accept header names no format this endpoint has."},
    **UNAVAILABLE,
}
