"""The catalogue's pages (home, search, a gene, a region) are kept whole for a short while,
for visitors who send no cookie.

Such a visitor's page is the same for everyone: no name in the header, no form token. Its data
change only when the API's catalogue is re-seeded: the API itself lets clients keep its
answers for CACHE_MAX_AGE_SECONDS (60 s), which PAGE_CACHE_SECONDS follows. The page is kept
as it leaves the frontend, every header on it, and served from the top of the middleware chain,
so a visit costs no API call and little of Django (Prometheus counts it, in
chr21_web_page_cache_hits_total besides the request totals). Kept per process (Django's
local-memory cache: bounded, culled past its entry count), keyed by method, scheme, host and
full path. A request with any cookie (a signed-in user, a form's token) is made afresh, so nobody
gets a page made for someone else; only 200s without a cookie of their own are kept, so an
API outage (503) or a refused query is made again at the next request.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_response_headers
from prometheus_client import Counter

CATALOGUE_PAGES = frozenset({"home", "search", "gene", "region"})
HITS = Counter("chr21_web_page_cache_hits", "Catalogue pages served from the page cache")


class CataloguePageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        kept = cache.get(key)
        if kept is not None:
            HITS.inc()
            return kept
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            patch_response_headers(response, settings.PAGE_CACHE_SECONDS)
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def key(request: HttpRequest) -> str | None:
        """The page's key, or None when it is not one to keep (or serve kept)."""
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return None
        if request.META.get("HTTP_COOKIE"):
            return None
        try:
            if resolve(request.path_info).url_name not in CATALOGUE_PAGES:
                return None
        except Resolver404:
            return None
        # The scheme too: a page kept for https is never served to plain http, which production
        # redirects. get_host() refuses a host ALLOWED_HOSTS does not name (a 400).
        return f"catalogue:{request.method}:{request.build_absolute_uri()}"
