"""HTTP semantics as RFC 9110 states them, the same on every endpoint: HEAD, content
negotiation, media types of bodies, validators and caching, compression, safety headers."""

import re

import pytest

GENE = "/genes/ENSG00000142192"
GET_ENDPOINTS = [
    "/",
    "/healthz",
    "/readyz",
    "/stats",
    "/genes",
    GENE,
    "/genes/by-name/APP",
    "/genes/nearest?position=21:30000000",
    "/regions/21:25880535-26171128/genes",
]


@pytest.mark.parametrize("path", GET_ENDPOINTS)
def test_head_answers_like_get_without_a_body(client, path):
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize("path", GET_ENDPOINTS)
def test_every_endpoint_refuses_an_accept_it_cannot_meet(client, path):
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("accept", ["application/json", "application/*", "*/*", "image/png, */*;q=0.1", ""])
def test_json_endpoints_answer_any_accept_that_allows_json(client, accept):
    assert client.get(GENE, headers={"Accept": accept}).status_code == 200


def test_405_lists_the_allowed_methods_with_head(client):
    response = client.delete("/genes")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/genes/batch", content=b'{"ids": ["ENSG00000142192"]}', headers=headers)
    assert response.status_code == 415
    assert response.headers["accept-post"] == "application/json"


def test_json_with_parameters_or_a_json_suffix_is_accepted(client):
    for content_type in ("application/json; charset=utf-8", "application/vnd.genes+json"):
        response = client.post(
            "/genes/batch", content=b'{"ids": ["ENSG00000142192"]}', headers={"Content-Type": content_type}
        )
        assert response.status_code == 200, content_type


def test_every_answer_says_nosniff_and_names_no_server(client):
    for response in (client.get(GENE), client.get("/no/such"), client.get("/docs")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers


class TestCaching:
    def test_catalogue_answers_carry_an_etag_and_cache_control(self, client):
        response = client.get(GENE)
        assert response.headers["etag"].startswith('W/"')
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert "Accept" in response.headers["vary"]

    def test_if_none_match_gives_304_without_a_body(self, client):
        etag = client.get(GENE).headers["etag"]
        again = client.get(GENE, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert client.get(GENE, headers={"If-None-Match": 'W/"other"'}).status_code == 200
        assert client.get(GENE, headers={"If-None-Match": "*"}).status_code == 304

    def test_each_representation_has_its_own_etag(self, client):
        region = "/regions/21:25000000-27000000/genes"
        tags = {client.get(region, params={"format": fmt}).headers["etag"] for fmt in ("json", "tsv", "bed")}
        assert len(tags) == 3

    @pytest.mark.parametrize("path", ["/healthz", "/readyz", "/no/such/path"])
    def test_probes_and_errors_are_not_cached(self, client, path):
        response = client.get(path)
        assert "etag" not in response.headers
        assert "cache-control" not in response.headers

    def test_the_etag_changes_when_the_catalogue_does(self, client):
        holder = client.app.state.catalogue
        before = client.get(GENE).headers["etag"]
        current = holder.current
        try:
            holder.current = type(current)(**{**current.__dict__, "etag": "0123456789abcdef"})
            assert client.get(GENE, headers={"If-None-Match": before}).status_code == 200
        finally:
            holder.current = current


def test_large_answers_are_gzipped_small_ones_not(client):
    large = client.get("/genes", params={"format": "tsv"}, headers={"Accept-Encoding": "gzip"})
    assert large.headers["content-encoding"] == "gzip"
    assert large.text.startswith("gene_stable_id\t")  # httpx decodes it
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_outside(client, page):
    html = client.get(page).text
    external = [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if "://" in url]
    assert external == []
    if page == "/docs":
        assert '"validatorUrl": null' in html  # no document sent to swagger.io's validator
    assets = re.findall(r"""["'](/static-offline-docs/[^"']+)""", html)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
