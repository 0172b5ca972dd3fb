"""Seeding is idempotent, and a changed data file updates rows instead of duplicating them."""

import csv

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chr21_common.db import make_engine
from chr21_common.models import Dataset, Gene
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.dataset import DATA_FILE
from gene_api.seed import seed

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def engine(empty_database_url):
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def snapshot(engine):
    with Session(engine) as session:
        genes = session.execute(select(*Gene.__table__.columns).order_by(Gene.gene_stable_id)).all()
        dataset = session.execute(select(*Dataset.__table__.columns)).all()
    return genes, dataset


def test_second_seed_changes_nothing(engine):
    first = seed(engine)
    assert (first.inserted, first.updated, first.deleted) == (1134, 0, 0)
    before = snapshot(engine)
    second = seed(engine)
    assert (second.inserted, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 1134)
    assert not second.changed
    assert snapshot(engine) == before


def test_changed_file_updates_adds_and_removes(engine, tmp_path):
    seed(engine)
    lines = DATA_FILE.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    app = next(i for i, row in enumerate(rows) if ",ENSG00000142192,APP," in row)
    rows[app] = rows[app].replace("amyloid beta precursor protein", "amyloid beta precursor protein (edited)")
    removed = next(csv.reader([rows.pop(0)]))[1]
    rows.append("new gene,ENSG00000999999,NEWGENE,21,100,200,1,lncRNA")
    changed = tmp_path / "genes.csv"
    changed.write_text("\n".join([header, *rows]) + "\n")

    report = seed(engine, changed)

    assert (report.inserted, report.updated, report.deleted) == (1, 1, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Gene)) == 1134
        assert "(edited)" in session.get(Gene, "ENSG00000142192").gene_description
        assert session.get(Gene, "ENSG00000999999").length == 101
        assert session.get(Gene, removed) is None
        dataset = session.get(Dataset, 1)
        assert (dataset.file_name, dataset.gene_count) == ("genes.csv", 1134)
