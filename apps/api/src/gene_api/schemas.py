"""Request and response bodies. Gene keeps the original Chromosome 21 Gene API's fields."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

GENE_ID_PATTERN = r"^ENSG[0-9]{11}$"
MAX_BATCH = 1000


class Gene(BaseModel):
    gene_stable_id: str = Field(examples=["ENSG00000142192"])
    gene_name: str | None = Field(examples=["APP"])
    gene_description: str | None
    chromosome: str = Field(examples=["21"])
    gene_start: int = Field(description="1-based, inclusive", examples=[25880535])
    gene_end: int = Field(description="1-based, inclusive", examples=[26171128])
    strand: int = Field(description="1 or -1", examples=[-1])
    gene_type: str = Field(examples=["protein_coding"])
    hgnc_id: str | None = Field(description="parsed from the description", examples=["HGNC:620"])
    length: int = Field(description="gene_end - gene_start + 1", examples=[290594])


class GenePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[Gene]
    message: str | None = Field(default=None, description="why the result is empty, when it says")


class NearestGene(Gene):
    distance: int = Field(
        description="0 when the position lies inside the gene; positive when the gene starts after it, "
        "negative when it ends before it"
    )


class NearestGenes(BaseModel):
    chromosome: str
    position: int
    items: list[NearestGene]
    message: str | None = None


GeneQueries = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=MAX_BATCH)]


class BatchByIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: GeneQueries = Field(description=f"Ensembl gene ids, at most {MAX_BATCH}")


class BatchByNames(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: GeneQueries = Field(description=f"gene names (case-insensitive), at most {MAX_BATCH}")


# Exactly one of the two lists: each model forbids the other's key.
BatchRequest = BatchByIds | BatchByNames


class BatchEntry(BaseModel):
    query: str
    found: bool
    genes: list[Gene]


class BatchResponse(BaseModel):
    results: list[BatchEntry]


class Span(BaseModel):
    start: int
    end: int


def _as_utc(value: datetime) -> datetime:
    """SQLite keeps no time zone; every time the API stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class DatasetInfo(BaseModel):
    assembly: str
    source: str
    coordinates: str
    file_name: str
    sha256: str
    loaded_at: UtcDatetime


class Stats(BaseModel):
    gene_count: int
    by_gene_type: dict[str, int]
    by_strand: dict[str, int]
    span: Span | None
    dataset: DatasetInfo | None


class FieldError(BaseModel):
    field: str = Field(description="where: query.NAME, path.NAME or body.PATH", examples=["query.page"])
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document, the body of every 4xx and 5xx answer."""

    type: str = Field(description="about:blank: the status says it all", examples=["about:blank"])
    title: str = Field(description="the status's phrase", examples=["Not Found"])
    status: int = Field(ge=400, le=599, examples=[404])
    detail: str = Field(description="what was wrong, for a person", examples=["Gene not found"])
    instance: str = Field(description="the path of the request (cut when long)", examples=["/genes/X"])
    request_id: str = Field(description="also in the X-Request-ID header and in the server's logs")
    errors: list[FieldError] | None = Field(
        default=None, description="validation errors (422): one per offending field"
    )


class JobLinks(BaseModel):
    self: str
    result: str = Field(description="the annotation, once the job succeeded: add ?format=tsv|bed|json")
    plot: str = Field(description="an SVG of the hits along chromosome 21, once the job succeeded")


class JobError(BaseModel):
    message: str
    line: int | None = Field(description="the input's offending line, when one is to blame")


class JobOut(BaseModel):
    id: str
    status: str = Field(description="queued, running, succeeded or failed", examples=["running"])
    progress: int = Field(ge=0, le=100, description="percent of the input read")
    input_name: str = Field(description="the uploaded file's name, as sent")
    input_format: str = Field(examples=["bed"])
    input_bytes: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int = Field(description="times a runner started it")
    summary: dict | None = Field(
        description="records read, annotated, on other chromosomes, invalid (with their first line numbers), "
        "overlaps by gene type, top genes"
    )
    error: JobError | None
    links: JobLinks


class JobPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[JobOut]
