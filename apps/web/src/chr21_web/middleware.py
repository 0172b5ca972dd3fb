"""The frontend's own middlewares:

- RequestContextMiddleware (outermost): the request id (chr21_common.logs) for the request's log lines
  and its calls to the API, answered as X-Request-ID; one access line per request.
- ApiUnavailableMiddleware: what the gene API answers that a page did not handle itself: down
  or slow is a 503 page that says so; a 4xx (a malformed id in the URL, say) is a page with
  that status and the API's reason (as JSON to a script that asks for it). Never a 500.
"""

import logging
import time

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from chr21_common.logs import request_id_or_new, request_id_var
from chr21_web.api import ApiRefused, ApiUnavailable

access_log = logging.getLogger("chr21_web.access")
# A path is logged up to this many characters (a hostile one may be kilobytes long).
LOGGED_PATH_CHARS = 200


class RequestContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_or_new(request.headers.get("X-Request-ID"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            # Django turns a view's exception into a 500 response inside get_response.
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method[:16],
                    "path": request.path[:LOGGED_PATH_CHARS],
                    "route": getattr(request.resolver_match, "route", None),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class ApiUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # The request id on the page: what a user quotes, and what finds the logs of it.
        request_id = request_id_var.get()
        if isinstance(exception, ApiUnavailable):
            response = self.answer(request, "503.html", str(exception), request_id, 503)
            response["Retry-After"] = "30"
            return response
        if isinstance(exception, ApiRefused):
            return self.answer(request, "refused.html", exception.detail, request_id, exception.status)
        return None

    @staticmethod
    def answer(request: HttpRequest, page: str, reason: str, request_id: str, status: int) -> HttpResponse:
        """The page; or, to a script that asked for JSON (the upload form's), the reason as JSON."""
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"detail": reason, "request_id": request_id}, status=status)
        return render(request, page, {"reason": reason, "request_id": request_id}, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (urls.handler500), with the request id to quote. As Django's own, a bare
    template with no context processors, so that rendering it can hardly fail in turn."""
    page = loader.get_template("500.html").render({"request_id": request_id_var.get()})
    return HttpResponseServerError(page)
