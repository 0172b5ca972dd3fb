"""Probes, like the API's: /healthz (the process answers) and /readyz (its database answers).
Readiness does not ask the gene API: when the API is down the pages still answer, with a 503
page saying so, which the load balancer must be able to reach."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "detail": "the database does not answer"}, status=503)
    return JsonResponse({"status": "ready"})
