"""The genes the worker annotates with: read from the API's database, the one the gene API
serves, so both answer from the same catalogue. Reloaded when `gene-api db seed` loads a new
data file (the dataset row's checksum changes)."""

import threading

from sqlalchemy import Engine, select

from annotator.engine import GeneTable
from chr21_common.coordinates import CHROMOSOME
from chr21_common.models import Dataset, Gene

COLUMNS = (Gene.gene_stable_id, Gene.gene_name, Gene.gene_type, Gene.strand, Gene.gene_start, Gene.gene_end)


class CatalogueNotLoaded(RuntimeError):
    """The database holds no genes yet: transient (a seed is coming), so the job is retried."""


class GeneSource:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._checksum: str | None = None
        self._table: GeneTable | None = None

    def current(self) -> GeneTable:
        with self.engine.connect() as connection:
            checksum = connection.execute(select(Dataset.sha256)).scalar()
            with self._lock:
                if checksum is not None and checksum == self._checksum and self._table is not None:
                    return self._table
                rows = (
                    connection.execute(select(*COLUMNS).where(Gene.chromosome == CHROMOSOME)).mappings().all()
                )
                if not rows:
                    raise CatalogueNotLoaded("the database holds no genes: run `gene-api db seed`")
                self._table, self._checksum = GeneTable.from_rows(rows), checksum
                return self._table
