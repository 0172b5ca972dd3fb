"""Catalogue pages are kept whole for PAGE_CACHE_SECONDS (chr21_web/caching.py): the next
visitor with the same cookies gets them without a call to the API; a signed-in user never gets
a page made for someone else; failures are not kept."""

import httpx
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from apps.web.tests.apis import answering

APP = "/genes/ENSG00000142192/"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


class CountingApi:
    """The real API, counting the requests the frontend sends it."""

    def __init__(self, real: httpx.Client) -> None:
        self.calls = 0

        def forward(request: httpx.Request) -> httpx.Response:
            self.calls += 1
            answer = real.send(
                real.build_request(request.method, request.url.raw_path.decode(), headers=request.headers)
            )
            headers = {
                k: v for k, v in answer.headers.items() if k not in ("content-encoding", "content-length")
            }
            return httpx.Response(answer.status_code, headers=headers, content=answer.content)

        self.client = httpx.Client(base_url="http://api.test", transport=httpx.MockTransport(forward))


@pytest.mark.usefixtures("page_cache")
def test_a_second_visitor_gets_the_page_without_asking_the_api(client, with_api, with_client):
    api = CountingApi(with_api)
    with_client(api.client)
    first = client.get(APP)
    calls = api.calls
    assert calls > 0
    second = client.get(APP)
    assert second.status_code == 200
    assert second.content == first.content
    assert api.calls == calls
    assert "Cookie" in second["Vary"]


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_signed_in_user_never_gets_a_page_made_for_another(client, with_api):
    assert "Log out" not in client.get(APP).content.decode()
    client.force_login(User.objects.create_user("alice", password="a long enough password"))
    assert "Log out alice" in client.get(APP).content.decode()
    client.logout()
    client.force_login(User.objects.create_user("bob", password="a long enough password"))
    assert "Log out bob" in client.get(APP).content.decode()


@pytest.mark.usefixtures("page_cache")
def test_an_outage_is_not_kept(client, with_api, with_client):
    with_client(answering(503))
    assert client.get(APP).status_code == 503
    with_client(with_api)
    assert client.get(APP).status_code == 200


def test_a_page_is_made_again_every_time_when_off(client, with_api, with_client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    api = CountingApi(with_api)
    with_client(api.client)
    client.get(APP)
    calls = api.calls
    client.get(APP)
    assert api.calls == 2 * calls
