"""The pure ASGI middlewares around every request (outermost first, see main.py):

- RequestContextMiddleware: the request id (logs, answers, error documents), one access
  line, metrics from fixed label sets, `X-Content-Type-Options: nosniff`, HEAD answered as
  GET without the body (RFC 9110 9.3.2), a request target over 8 KiB refused (414) and
  headers over 16 KiB (431), a request with both Content-Length and Transfer-Encoding
  refused and its connection closed (RFC 9112 6.1), a client that goes away before its
  request is read logged and counted as 499 (nginx's "client closed request": a 4xx, never
  a server error, so the 5xx alerts do not count it), and any other exception turned into a
  500 problem document carrying the request id.
- CatalogueCacheMiddleware: ETag (the catalogue's version) and Cache-Control on answers
  that depend only on the catalogue, and 304 on a matching If-None-Match.
"""

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chr21_common.logs import request_id_or_new, request_id_var
from gene_api.core.metrics import observe
from gene_api.core.problems import excerpt, problem_response

access_log = logging.getLogger("gene_api.access")
error_log = logging.getLogger("gene_api.errors")
# The request target and the headers the API reads at most. h11 bounds them only while they
# arrive in pieces (an incomplete event); a request sent in one write could be larger.
MAX_TARGET_BYTES = 8 * 1024
MAX_HEADER_BYTES = 16 * 1024
UNMATCHED_ROUTE = "<unmatched>"
# The status logged and counted for a request its client abandoned (no answer is sent).
CLIENT_CLOSED_REQUEST = 499


async def send_problem(
    scope: Scope, receive: Receive, send: Send, status: int, detail: str, instance: str, close: bool = False
) -> None:
    headers = {"Connection": "close"} if close else None
    await problem_response(status, detail, instance, headers=headers)(scope, receive, send)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = request_id_or_new(headers.get("x-request-id"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False
        method = scope["method"]
        if method == "HEAD":
            scope = {**scope, "method": "GET"}

        async def send_with_context(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                response_headers = MutableHeaders(raw=list(message.get("headers", [])))
                response_headers["x-request-id"] = request_id
                response_headers["x-content-type-options"] = "nosniff"
                message = {**message, "headers": response_headers.raw}
            elif message["type"] == "http.response.body" and method == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        target_bytes = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
        try:
            if target_bytes > MAX_TARGET_BYTES:
                detail = f"the request target holds {target_bytes:,} bytes; at most {MAX_TARGET_BYTES:,}"
                await send_problem(scope, receive, send_with_context, 414, detail, scope["path"], close=True)
            elif header_bytes > MAX_HEADER_BYTES:
                detail = f"the headers hold {header_bytes:,} bytes; at most {MAX_HEADER_BYTES:,}"
                await send_problem(scope, receive, send_with_context, 431, detail, scope["path"], close=True)
            elif "content-length" in headers and "transfer-encoding" in headers:
                await send_problem(
                    scope,
                    receive,
                    send_with_context,
                    400,
                    "a request may not carry both Content-Length and Transfer-Encoding (RFC 9112 6.1)",
                    scope["path"],
                    close=True,
                )
            else:
                await self.app(scope, receive, send_with_context)
        except ClientDisconnect:
            # Nobody is left to answer; what the request had staged is already removed.
            status = CLIENT_CLOSED_REQUEST
            access_log.info("client disconnected before its request was read")
        except Exception:
            error_log.exception("unhandled error")
            if not response_started:
                await send_problem(
                    scope, receive, send_with_context, 500, "an internal error; quote the request_id", ""
                )
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", UNMATCHED_ROUTE)
            observe(method, route, status, seconds)
            access_log.info(
                "request",
                extra={
                    "method": excerpt(method, 16),
                    "path": excerpt(scope["path"]),
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            request_id_var.reset(token)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): W/ prefixes do not count."""
    wanted = etag.removeprefix("W/")
    return any(
        candidate.strip() == "*" or candidate.strip().removeprefix("W/") == wanted
        for candidate in if_none_match.split(",")
    )


class CatalogueCacheMiddleware:
    """Validators on GET/HEAD 200 answers of routes marked `cacheable` (core/routing.py)."""

    def __init__(self, app: ASGIApp, max_age_seconds: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age_seconds}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        not_modified = False

        async def send_with_validators(message: Message) -> None:
            nonlocal not_modified
            if not_modified:
                return  # the body of an answer replaced by 304
            if message["type"] == "http.response.start" and message["status"] == 200:
                route = scope.get("route")
                catalogue = scope["app"].state.catalogue.current
                if getattr(route, "cacheable", False) and catalogue is not None:
                    headers = MutableHeaders(raw=list(message.get("headers", [])))
                    # The ETag names the representation: the catalogue's version and the media type.
                    media_type = headers.get("content-type", "").split(";")[0].rsplit("/", 1)[-1]
                    etag = f'W/"{catalogue.etag}-{media_type}"'
                    headers["etag"] = etag
                    headers["cache-control"] = self.cache_control
                    headers.add_vary_header("Accept")
                    if _etag_matches(Headers(scope=scope).get("if-none-match", ""), etag):
                        not_modified = True
                        kept = {"etag", "cache-control", "vary", "x-request-id", "x-content-type-options"}
                        raw = [(k, v) for k, v in headers.raw if k.decode() in kept]
                        await send({"type": "http.response.start", "status": 304, "headers": raw})
                        await send({"type": "http.response.body", "body": b""})
                        return
                    message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, send_with_validators)
