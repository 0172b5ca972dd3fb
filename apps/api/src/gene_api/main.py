"""The ASGI application factory, served by gunicorn with uvicorn workers (see gunicorn_conf.py)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gene_api.api.routes import genes, health, regions, stats
from gene_api.core.config import Settings, get_settings
from gene_api.core.errors import install_error_handlers
from gene_api.core.middleware import RequestContextMiddleware
from gene_api.db import make_engine, make_sessionmaker

DESCRIPTION = """
The genes of human chromosome 21 (GRCh38, Ensembl BioMart export, 1,134 genes).

Coordinates are Ensembl style: chromosome `21`, 1-based and inclusive at both ends.
Regions and positions also accept `chr21` and `NC_000021.9`. BED output is 0-based, half-open.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Chromosome 21 Gene API", version="3.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.add_middleware(RequestContextMiddleware)
    install_error_handlers(app)
    for module in (health, genes, regions, stats):
        app.include_router(module.router)
    return app
