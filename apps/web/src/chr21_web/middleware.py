"""What the gene API answers that a page did not handle itself: down or slow is a 503 page
that says so; a 4xx (a malformed id in the URL, say) is a page with that status and the API's
reason. Never a 500."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chr21_web.api import ApiRefused, ApiUnavailable


class ApiUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApiUnavailable):
            response = render(request, "503.html", {"reason": str(exception)}, status=503)
            response["Retry-After"] = "30"
            return response
        if isinstance(exception, ApiRefused):
            return render(request, "refused.html", {"reason": exception.detail}, status=exception.status)
        return None
