"""Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from chr21_common.db import make_engine
from chr21_common.models import Base
from gene_api import migrate
from gene_api.core.config import Settings


# SQLite cannot reflect the expression index on lower(gene_name); PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning", "ignore:.*expression-based index")
@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_migrations_match_models(empty_database_url):
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # a second upgrade is a no-op
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
    assert migrate.current_revision(engine) == migrate.head_revision()


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_newer_schema_is_left_alone_after_a_rollback(empty_database_url):
    """After a rollback the older image's PreSync Job meets a newer schema: it succeeds, changing nothing."""
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0002'"))
    assert f"newer than this release's {migrate.head_revision()}: left as it is" in migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "f00dfeed0002"
    engine.dispose()
