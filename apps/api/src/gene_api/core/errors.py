"""Errors a user can cause become 4xx with a JSON body saying what was wrong; never a 500."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError

from gene_api.coordinates import CoordinateError

log = logging.getLogger("gene_api.errors")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CoordinateError)
    async def bad_coordinates(request: Request, error: CoordinateError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    @app.exception_handler(DataError)
    async def bad_value(request: Request, error: DataError) -> JSONResponse:
        # The database refused a value the validators let through: still the request's fault.
        return JSONResponse({"detail": "a value in the request cannot be used in a query"}, status_code=400)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, error: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", error.orig)
        return JSONResponse({"detail": "the database is unavailable; try again shortly"}, status_code=503)
