"""Each worker serves a snapshot of the catalogue and swaps it when the database is re-seeded."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from chr21_common.db import make_engine
from gene_api import migrate
from gene_api.core.config import Settings
from gene_api.dataset import DATA_FILE
from gene_api.main import create_app
from gene_api.seed import seed


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_reseeding_with_a_changed_file_is_served_after_refresh(empty_database_url, tmp_path):
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate.upgrade(engine)
    seed(engine)
    with TestClient(create_app(Settings(database_url=empty_database_url))) as client:
        holder = client.app.state.catalogue
        assert client.get("/genes/by-name/APP").json()["gene_description"].startswith("amyloid beta")
        assert holder.refresh() is False  # nothing changed

        changed = tmp_path / "genes.csv"
        changed.write_text(DATA_FILE.read_text().replace("amyloid beta precursor protein", "APP (edited)"))
        seed(engine, changed)
        assert client.get("/genes/by-name/APP").json()["gene_description"].startswith("amyloid beta")

        assert holder.refresh() is True
        assert client.get("/genes/by-name/APP").json()["gene_description"].startswith("APP (edited)")
        assert client.get("/stats").json()["dataset"]["file_name"] == "genes.csv"
    engine.dispose()


def test_a_failed_refresh_keeps_serving_the_last_snapshot(seeded_url):
    with TestClient(create_app(Settings(database_url=seeded_url))) as client:
        holder = client.app.state.catalogue
        holder.engine = make_engine(Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none"))
        with pytest.raises(OperationalError, match=r"127\.0\.0\.1"):
            holder.refresh()
        assert client.get("/genes/ENSG00000142192").status_code == 200
