"""Errors a user can cause become 4xx with a JSON body saying what was wrong; never a 500."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gene_api.coordinates import CoordinateError


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CoordinateError)
    async def bad_coordinates(request: Request, error: CoordinateError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)
