"""The catalogue's pages (home, search, a gene, a region) are kept whole for a short while.

They are the same for everyone with the same cookies, and their data change only when the
API's catalogue is re-seeded: the API itself lets clients keep its answers for
CACHE_MAX_AGE_SECONDS (60 s), which PAGE_CACHE_SECONDS follows. Kept per process (Django's
local-memory cache: bounded, culled past its entry count), keyed by the full URL and the
Cookie header, so a signed-in user never sees a page made for someone else. Only 200s are
kept: a 503 of an API outage or a refused query is made again at the next request.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie


def catalogue_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    varied = vary_on_cookie(view)  # before it is kept, so the Cookie header is part of the key

    @wraps(view)
    def kept(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS  # read per request: tests and operators change it
        if seconds <= 0:
            return view(request, *args, **kwargs)
        return cache_page(seconds, key_prefix="catalogue")(varied)(request, *args, **kwargs)

    return kept
