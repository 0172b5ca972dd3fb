"""The ASGI application factory, served by gunicorn with uvicorn workers (see gunicorn_conf.py)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.gzip import GZipMiddleware

from chr21_common.db import make_engine
from chr21_common.jobs.services import JobServices
from gene_api.api.routes import genes, health, jobs, regions, stats
from gene_api.catalogue import CatalogueHolder
from gene_api.core.config import Settings, get_settings
from gene_api.core.middleware import CatalogueCacheMiddleware, RequestContextMiddleware
from gene_api.core.problems import install_error_handlers
from gene_api.jobs.uploads import MAX_HEADER_BYTES
from gene_api.openapi import problem_openapi

log = logging.getLogger("gene_api.main")
DESCRIPTION = """
The genes of human chromosome 21 (GRCh38, Ensembl BioMart export, 1,134 genes).

Coordinates are Ensembl style: chromosome `21`, 1-based and inclusive at both ends.
Regions and positions also accept `chr21` and `NC_000021.9`. BED output is 0-based, half-open.

Every error is an RFC 9457 problem document (`application/problem+json`) with the request id.
"""
# Answers smaller than this are sent uncompressed: gzip would save too little to be worth it.
GZIP_MINIMUM_BYTES = 1024
# A multipart body holds the file plus boundaries and part headers.
MULTIPART_OVERHEAD_BYTES = 2 * MAX_HEADER_BYTES


async def refresh(holder: CatalogueHolder) -> None:
    """One check, off the event loop; a failed check keeps the last snapshot in service."""
    try:
        await asyncio.to_thread(holder.refresh)
    except SQLAlchemyError as error:
        log.warning("catalogue refresh failed: %s", getattr(error, "orig", error))
    except Exception:
        # Whatever else goes wrong, the refresher must live on to try again.
        log.exception("catalogue refresh failed")


async def refresh_forever(holder: CatalogueHolder, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        await refresh(holder)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)
    holder = CatalogueHolder(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await refresh(holder)  # serve from the first request when the database is ready
        refresher = asyncio.create_task(refresh_forever(holder, settings.catalogue_refresh_seconds))
        yield
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        engine.dispose()

    # Swagger UI and ReDoc from assets inside the image (fastapi-offline), never from a CDN.
    # validatorUrl None: Swagger UI would otherwise send the document to swagger.io's validator.
    app = FastAPIOffline(
        title="Chromosome 21 Gene API",
        version="3.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.catalogue = holder
    # Body size limit of each route that takes a body (core/routing.py reads it).
    app.state.body_limits = {
        "/genes/batch": settings.batch_body_limit_bytes,
        "/jobs": settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES,
    }
    app.state.job_services = JobServices.from_settings(settings, engine)
    # Outermost last: RequestContext wraps everything, so every answer carries the request id.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    app.add_middleware(CatalogueCacheMiddleware, max_age_seconds=settings.cache_max_age_seconds)
    app.add_middleware(RequestContextMiddleware)
    install_error_handlers(app)
    for module in (health, genes, regions, stats, jobs):
        app.include_router(module.router)
    app.include_router(jobs.upload_router)
    app.openapi = lambda: problem_openapi(app)  # type: ignore[method-assign]
    return app
