"""Probes for Kubernetes, and the welcome message. (Metrics are on their own port: gunicorn_conf.py.)"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from gene_api.catalogue import dataset_version
from gene_api.core.problems import problem_response
from gene_api.core.routing import ApiRoute

router = APIRouter(tags=["operations"], route_class=ApiRoute)


@router.get("/")
async def root() -> dict[str, str]:
    return {"message": "Welcome to Chromosome 21 Gene API", "docs": "/docs"}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers. Touches no dependency, so a database outage restarts nothing."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "database unreachable or not seeded"}})
def readyz(request: Request) -> Response:
    """Readiness: the database answers and holds the gene catalogue, and this worker has loaded it.
    A plain `def`: the database check runs in the thread pool, never blocking the event loop."""
    try:
        seeded = dataset_version(request.app.state.engine) is not None
    except SQLAlchemyError as error:
        return problem_response(503, f"database unreachable: {type(error).__name__}", request.url.path)
    if not seeded:
        reason = "database not seeded: run `gene-api db upgrade` and `gene-api db seed`"
        return problem_response(503, reason, request.url.path)
    if request.app.state.catalogue.current is None:
        # Seeded since the last refresh: load now rather than wait for the next one.
        request.app.state.catalogue.refresh()
    return JSONResponse({"status": "ready"})
