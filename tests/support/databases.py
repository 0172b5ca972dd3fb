"""Throwaway databases for tests: SQLite files, or databases on the real PostgreSQL.

PostgreSQL comes from TEST_POSTGRES_URL (default: the loopback server, user postgres,
trust auth). An unreachable server fails the tests; it does not skip them.
"""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", POSTGRES_ADMIN_URL)


class ThrowawayDatabases:
    """Creates empty databases of either backend; `drop_all()` removes the PostgreSQL ones."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.created: list[str] = []
        self._admin: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
            try:
                with self._admin.connect():
                    pass
            except Exception as error:
                pytest.fail(f"PostgreSQL at {postgres_admin_url()} is unreachable: {error}", pytrace=False)
        return self._admin

    def new(self, backend: str) -> str:
        name = f"gene_api_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / name}.sqlite3"
        with self.admin().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()
