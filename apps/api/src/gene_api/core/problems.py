"""One error shape for every 4xx and 5xx: RFC 9457 problem details (application/problem+json).

The API's own errors, the framework's (404 of an unknown path, 405, 422) and the
server's (400 of a malformed request, 408, 413, 415, 503 over the connection cap, 500)
all answer with the same members: `type`, `title`, `status`, `detail`, `instance`,
`request_id`, and for validation errors `errors` (one `{field, message}` per offending
field). Nothing the caller sent is echoed beyond a short excerpt (`excerpt()`).
"""

import json
import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from chr21_common.coordinates import CoordinateError
from chr21_common.logs import request_id_var

log = logging.getLogger("gene_api.errors")

MEDIA_TYPE = "application/problem+json"
# How much of anything a caller sent may appear in an error answer or a log line.
EXCERPT_CHARS = 80
# A validation error lists at most this many fields, then says how many more there were.
MAX_FIELD_ERRORS = 20


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` cut to `limit` characters, marked when cut, so an answer never echoes a whole input."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def problem(
    status: int,
    detail: str,
    instance: str = "",
    errors: list[dict[str, str]] | None = None,
    request_id: str | None = None,
) -> dict:
    """The problem document; `type` is about:blank, so `title` is the status's phrase (RFC 9457 4.2.1)."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": excerpt(instance),
        "request_id": request_id or request_id_var.get(),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_bytes(
    status: int, detail: str, instance: str = "", errors: list | None = None, request_id: str | None = None
) -> bytes:
    return json.dumps(problem(status, detail, instance, errors, request_id), separators=(",", ":")).encode()


def problem_response(
    status: int,
    detail: str,
    instance: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = problem_bytes(status, detail, instance, errors)
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    """`{field, message}` per offending field, without the input the framework would echo."""
    found = [
        {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
        for item in error.errors()
    ]
    if len(found) > MAX_FIELD_ERRORS:
        rest = len(found) - MAX_FIELD_ERRORS
        found = [*found[:MAX_FIELD_ERRORS], {"field": "", "message": f"and {rest:,} more errors"}]
    return found


def _routes(routes: list) -> list:
    """Routes, with those of included routers (FastAPI wraps them) flattened."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found.extend(_routes(inner.routes) if inner is not None else [route])
    return found


def allowed_methods(request: Request, allow: str) -> str:
    """The methods of the path Starlette matched, from every route declared at that path
    (Starlette names only the first route's), and HEAD wherever GET is answered (middleware.py)."""
    methods = {method.strip() for method in allow.split(",") if method.strip()}
    routes = [route for route in _routes(request.app.routes) if hasattr(route, "methods")]
    matches = [(route.matches(request.scope)[0], route) for route in routes]
    if any(match == Match.FULL for match, _ in matches):
        # The route that matched raised the 405 itself, with its own Allow (genes.batch_other_methods).
        return allow
    # Starlette answers 405 from the first route matching the path; its siblings share that path.
    matched = next((route.path for match, route in matches if match == Match.PARTIAL), None)
    for route in routes:
        # Routes left out of the schema exist only to answer 405 (genes.batch_other_methods).
        if route.path == matched and route.methods and route.include_in_schema:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CoordinateError)
    async def bad_coordinates(request: Request, error: CoordinateError) -> Response:
        return problem_response(400, str(error), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = allowed_methods(request, headers.get("Allow", ""))
        detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        if error.status_code == 404 and detail == "Not Found":
            detail = "no such path; the endpoints are listed at /docs"
        return problem_response(error.status_code, detail, request.url.path, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        errors = field_errors(error)
        return problem_response(422, "the request is not valid; see errors", request.url.path, errors)
