"""Catalogue pages are kept whole for PAGE_CACHE_SECONDS for visitors without cookies
(chr21_web/caching.py): the next such visitor gets them without a call to the API; a signed-in
user never gets a page made for someone else; failures are not kept; other pages never are."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from apps.web.tests.apis import answering
from chr21_web.caching import CataloguePageCacheMiddleware

APP = "/genes/ENSG00000142192/"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize("path", [APP, "/genes/?q=amyloid", "/region/?r=21:25880535-26171128", "/"])
def test_a_second_visitor_gets_the_page_without_asking_the_api(client, recording_api, path):
    first = client.get(path)
    calls = recording_api.calls
    assert calls > 0
    second = client.get(path)
    assert second.status_code == 200
    assert second.content == first.content
    assert recording_api.calls == calls
    assert "max-age=60" in second["Cache-Control"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"  # kept with every header


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_signed_in_user_never_gets_a_page_made_for_another(client, with_api):
    assert "Log out" not in client.get(APP).content.decode()
    client.force_login(User.objects.create_user("alice", password="a long enough password"))
    assert "Log out alice" in client.get(APP).content.decode()
    client.logout()
    client.force_login(User.objects.create_user("bob", password="a long enough password"))
    assert "Log out bob" in client.get(APP).content.decode()
    client.logout()
    client.cookies.clear()
    assert "Log out" not in client.get(APP).content.decode()


@pytest.mark.usefixtures("page_cache")
def test_an_outage_is_not_kept(client, with_api, with_client):
    with_client(answering(503))
    assert client.get(APP).status_code == 503
    with_client(with_api)
    assert client.get(APP).status_code == 200


@pytest.mark.usefixtures("page_cache")
def test_https_and_http_are_kept_apart(client, recording_api, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.get(APP, HTTP_X_FORWARDED_PROTO="https")
    calls = recording_api.calls
    client.get(APP)
    assert recording_api.calls == 2 * calls


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize(
    "path", ["/jobs/", "/jobs/new/", "/accounts/login/", "/accounts/signup/", "/admin/", "/nowhere"]
)
def test_pages_that_are_not_the_catalogues_are_never_kept(rf, path):
    assert CataloguePageCacheMiddleware.key(rf.get(path)) is None


@pytest.mark.usefixtures("page_cache")
def test_a_request_with_a_cookie_or_a_form_is_never_served_a_kept_page(rf):
    assert CataloguePageCacheMiddleware.key(rf.get(APP)) is not None
    assert CataloguePageCacheMiddleware.key(rf.get(APP, HTTP_COOKIE="csrftoken=x")) is None
    assert CataloguePageCacheMiddleware.key(rf.post(APP)) is None


@pytest.mark.usefixtures("page_cache")
def test_a_host_production_does_not_serve_is_still_refused(client, with_api):
    assert client.get(APP, HTTP_HOST="evil.example.org").status_code == 400


def test_a_page_is_made_again_every_time_when_off(client, recording_api, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(APP)
    calls = recording_api.calls
    client.get(APP)
    assert recording_api.calls == 2 * calls
