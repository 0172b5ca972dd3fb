"""Probes, like the API's: /healthz (the process answers) and /readyz (its database answers).

They are answered by a middleware placed before every other, not by views: the kubelet and the
ALB's health checks call the pod by its IP, a Host that ALLOWED_HOSTS rightly refuses (Django
answers 400 to a request for a host it does not serve), and they speak plain HTTP, which the
HTTPS redirect would bounce. Readiness does not ask the gene API: when the API is down the
pages still answer, with a 503 page saying so, which the load balancer must be able to reach.
"""

from collections.abc import Callable

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "detail": "the database does not answer"}, status=503)
    return JsonResponse({"status": "ready"})


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe()
        return self.get_response(request)
