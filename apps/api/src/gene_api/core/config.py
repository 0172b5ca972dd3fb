"""Settings of the gene API, read only from environment variables.

Each field's name, upper-cased, is the environment variable that sets it
(DATABASE_URL, API_PORT, ...). The Helm chart's contract test checks that the
chart sets only these names.
"""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    # SQLite file by default (the embedded default); postgresql+psycopg://... in production.
    database_url: str = "sqlite:///.local/gene-api.sqlite3"
    # Where the server listens. The container sets API_HOST=0.0.0.0.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8001, ge=1, le=65535)
    # Gunicorn worker processes (the name gunicorn and uvicorn use for it).
    web_concurrency: int = Field(default=2, ge=1, le=64)
    # Seconds a worker gets to finish in-flight requests after SIGTERM; keep below the
    # pod's terminationGracePeriodSeconds.
    graceful_timeout: int = Field(default=20, ge=1, le=600)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Connections each worker keeps open to PostgreSQL.
    db_pool_size: int = Field(default=5, ge=1, le=100)
    # How often each worker checks whether `gene-api db seed` loaded new data.
    catalogue_refresh_seconds: float = Field(default=30.0, gt=0, le=3600)


@lru_cache
def get_settings() -> Settings:
    return Settings()
