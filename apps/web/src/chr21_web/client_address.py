"""The address of the client a request came from, for log-in throttling (django-axes).

Locally the peer is the client (REMOTE_ADDR). In the cluster the peer is the ALB, which appends
the address it saw to X-Forwarded-For: with TRUSTED_PROXY_HOPS proxies in front, the client is
the entry that many places from the end. Entries before it are whatever the client wrote, so
they are never read (a client could name any address there and escape its lock-out).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    hops = settings.TRUSTED_PROXY_HOPS
    peer = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < hops:
        return peer  # not through the proxies: the peer itself
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer  # not an address: the proxy would not have written it
