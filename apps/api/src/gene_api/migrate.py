"""Schema migrations (Alembic), run from the CLI and the chart's PreSync Job."""

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "gene_api:migrations")
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    """The newest revision this release's migrations know."""
    config = Config()
    config.set_main_option("script_location", "gene_api:migrations")
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Migrate to `revision`; returns what happened, in one line.

    A database already at a revision this code does not know was migrated by a newer
    release: after a rollback the older image's PreSync Job must leave it alone (and
    succeed), since migrations are kept additive for exactly this case."""
    config = alembic_config(engine)
    current = current_revision(engine)
    scripts = ScriptDirectory.from_config(config)
    if current is not None and not _known(scripts, current):
        head = scripts.get_current_head()
        return f"database at revision {current}, newer than this release's {head}: left as it is"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return f"database at revision {current_revision(engine)}"


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    return revision in {script.revision for script in scripts.walk_revisions()}
