"""Request and response bodies. Gene keeps the original Chromosome 21 Gene API's fields."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

GENE_ID_PATTERN = r"^ENSG[0-9]{11}$"
MAX_BATCH = 1000


class Gene(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: GeneQueries | None = Field(default=None, description=f"gene stable ids, at most {MAX_BATCH}")
    names: GeneQueries | None = Field(default=None, description=f"gene names, at most {MAX_BATCH}")

    @model_validator(mode="after")
    def exactly_one_list(self) -> "BatchRequest":
        if (self.ids is None) == (self.names is None):
            raise ValueError("send exactly one of 'ids' or 'names'")
        return self


class BatchEntry(BaseModel):
    query: str
    found: bool
    genes: list[Gene]


class BatchResponse(BaseModel):
    results: list[BatchEntry]


class Span(BaseModel):
    start: int
    end: int


class DatasetInfo(BaseModel):
    assembly: str
    source: str
    coordinates: str
    file_name: str
    sha256: str
    loaded_at: datetime


class Stats(BaseModel):
    gene_count: int
    by_gene_type: dict[str, int]
    by_strand: dict[str, int]
    span: Span | None
    dataset: DatasetInfo | None


class Problem(BaseModel):
    detail: str
