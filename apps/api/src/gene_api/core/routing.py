"""The route class of every endpoint: HTTP semantics checked the same way everywhere.

Before an endpoint runs, `ApiRoute` checks what FastAPI leaves lenient:
- the Accept header must allow one of the media types the endpoint answers with, else 406
  (RFC 9110 12.5.1), on every endpoint alike;
- a body goes only to an endpoint that takes one, and no larger than that endpoint's limit
  (`app.state.body_limits`, from settings), else 413 before the body is read (by its
  Content-Length) or as soon as the bytes read pass the limit (chunked bodies too);
- the body must be application/json (else 415, RFC 9110 15.5.16), and JSON's non-finite
  numbers (NaN, Infinity), which Python's json accepts but JSON does not, are refused
  like any other malformed JSON.
"""

import json
from collections.abc import Callable, Coroutine
from functools import cached_property
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.types import Message, Receive

from gene_api.core.mediatypes import best_match
from gene_api.core.problems import excerpt

JSON = "application/json"


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            text = (await self.body()).decode("utf-8", errors="strict")
            try:
                self._json = json.loads(text, parse_constant=_refuse_constant)
            except ValueError as error:
                if isinstance(error, json.JSONDecodeError):
                    raise
                # FastAPI turns a JSONDecodeError into its 422 "json_invalid" answer.
                raise json.JSONDecodeError(str(error), text, 0) from None
        return self._json


def too_large(detail: str) -> HTTPException:
    # Connection: close, so the unread rest of the body is never read as the next request.
    return HTTPException(status_code=413, detail=detail, headers={"Connection": "close"})


def declares_body(request: Request) -> bool:
    length = request.headers.get("content-length", "0").strip()
    return "transfer-encoding" in request.headers or (length.isdigit() and int(length) > 0)


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == JSON or (media_type.startswith("application/") and media_type.endswith("+json"))


def within_declared_limit(request: Request, path: str) -> int:
    """The route's body limit, once the declared Content-Length (if any) is within it."""
    limit = request.app.state.body_limits[path]
    length = request.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit:
        raise too_large(f"the body may hold at most {limit:,} bytes; this one declares {int(length):,}")
    return limit


def receive_within_limit(request: Request, limit: int) -> Receive:
    """request.receive, refusing (413) as soon as the bytes received pass `limit`."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large(f"the body may hold at most {limit:,} bytes")
        return message

    return receive


class ApiRoute(APIRoute):
    """APIRoute with strict Accept, Content-Type and JSON checks (module docstring)."""

    # Set by CatalogueRoute: answers that depend only on the catalogue get ETag and Cache-Control.
    cacheable = False

    @cached_property
    def media_types(self) -> list[str]:
        """What the endpoint answers with: JSON, and any type its 200 response documents."""
        documented = (self.responses.get(200) or {}).get("content", {})
        return [JSON, *(media_type for media_type in documented if media_type != JSON)]

    def check_accept(self, request: Request) -> None:
        accept = request.headers.get("accept", "")
        offered = self.media_types
        if best_match(accept, offered) is None:
            takes_format = any(param.alias == "format" for param in self.dependant.query_params)
            raise HTTPException(
                status_code=406,
                detail=f"cannot answer with {excerpt(accept)!r}; this endpoint answers with "
                f"{', '.join(offered)}" + (" (or pass format=json|tsv|bed)" if takes_format else ""),
            )

    def check_body(self, request: Request) -> Receive:
        """The receive function the endpoint reads its body through, once the headers passed."""
        if not declares_body(request):
            return request.receive
        if self.body_field is None:
            raise too_large("this endpoint takes no request body")
        limit = within_declared_limit(request, self.path)
        content_type = request.headers.get("content-type", "")
        if not is_json(content_type):
            raise HTTPException(
                status_code=415,
                detail=f"the body must be {JSON}, not {excerpt(content_type)!r}",
                headers={"Accept-Post": JSON, "Connection": "close"},
            )
        return receive_within_limit(request, limit)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked_handler(request: Request) -> Response:
            self.check_accept(request)
            receive = self.check_body(request)
            return await handler(StrictJSONRequest(request.scope, receive))

        return checked_handler


class CatalogueRoute(ApiRoute):
    """A route whose answer depends only on the query and the catalogue's version."""

    cacheable = True


class UploadRoute(ApiRoute):
    """A route that reads a multipart upload itself, streaming (POST /jobs): the size limit of
    `app.state.body_limits` applies; the endpoint checks the media type as it parses."""

    def check_body(self, request: Request) -> Receive:
        return receive_within_limit(request, within_declared_limit(request, self.path))
