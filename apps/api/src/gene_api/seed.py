"""Load the gene data file into the database: insert new genes, update changed ones,
delete genes the file no longer has. A second run with the same file changes nothing."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from chr21_common.models import Dataset, Gene
from gene_api.dataset import DATA_FILE, read_genes, sha256_of


@dataclass(frozen=True)
class SeedReport:
    inserted: int
    updated: int
    deleted: int
    unchanged: int
    sha256: str

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


def seed(engine: Engine, path: Path = DATA_FILE) -> SeedReport:
    rows = {row["gene_stable_id"]: row for row in read_genes(path)}
    sha256 = sha256_of(path)
    with Session(engine) as session, session.begin():
        current = {
            row.gene_stable_id: row._asdict() for row in session.execute(select(*Gene.__table__.columns))
        }
        new = [row for key, row in rows.items() if key not in current]
        changed = [row for key, row in rows.items() if key in current and current[key] != row]
        gone = [key for key in current if key not in rows]
        if new:
            session.execute(insert(Gene), new)
        if changed:
            # ORM bulk UPDATE by primary key: one executemany.
            session.execute(update(Gene), changed)
        if gone:
            session.execute(delete(Gene).where(Gene.gene_stable_id.in_(gone)))
        dataset = session.get(Dataset, 1)
        if dataset is None or dataset.sha256 != sha256 or new or changed or gone:
            session.merge(
                Dataset(
                    id=1,
                    file_name=path.name,
                    sha256=sha256,
                    gene_count=len(rows),
                    loaded_at=datetime.now(UTC),
                )
            )
    return SeedReport(
        inserted=len(new),
        updated=len(changed),
        deleted=len(gone),
        unchanged=len(rows) - len(new) - len(changed),
        sha256=sha256,
    )
