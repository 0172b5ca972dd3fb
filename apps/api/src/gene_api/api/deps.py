"""Parameters shared by several routes, declared once."""

from enum import IntEnum
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from gene_api.api.formats import OutputFormat
from gene_api.db import get_session

SessionDep = Annotated[Session, Depends(get_session)]
# Bounded so that OFFSET stays a small integer on every database.
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
PageSizeQuery = Annotated[int, Query(ge=1, le=200, description="genes per page, 1-200")]
# Free text a user types; NUL is refused because PostgreSQL cannot compare it.
TextQuery = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


class Strand(IntEnum):
    forward = 1
    reverse = -1


StrandQuery = Annotated[Strand | None, Query(description="1 (forward) or -1 (reverse)")]
FormatQuery = Annotated[
    OutputFormat | None,
    Query(alias="format", description="json (default), tsv or bed; else the Accept header decides"),
]
LIST_FORMATS = {
    200: {
        "description": "A page of genes, as JSON, TSV or BED (BED is 0-based, half-open).",
        "content": {"text/tab-separated-values": {}, "text/x-bed": {}},
    },
    406: {"description": "The Accept header names no format this endpoint has."},
}
