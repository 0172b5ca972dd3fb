"""The gene browser's pages against the real gene API (in process, seeded with the real data):
what a scientist sees, and what a mistyped or hostile query gets."""

import re

import pytest

APP = "ENSG00000142192"


def test_home_says_what_the_platform_holds_and_draws_the_overview(client, with_api):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    stats = with_api.get("/stats").json()
    assert f"{stats['gene_count']:,} genes" in text
    assert text.count("<rect ") >= 40  # bars of the density picture
    assert 'role="img"' in text
    assert "Gene density along chromosome 21" in text
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', text)[1]
    assert client.get(stylesheet).status_code == 200


def test_home_has_the_search_box_and_the_way_to_annotate_a_file(client, with_api, django_user_model):
    text = client.get("/").content.decode()
    search = re.search(r'<form method="get" action="/genes/" role="search">(.*?)</form>', text, re.S)[1]
    assert 'name="q"' in search
    assert 'maxlength="200"' in search
    assert 'href="/accounts/signup/"' in text.split('id="annotate-title"')[1]
    assert 'href="/accounts/login/?next=/jobs/new/"' in text
    client.force_login(django_user_model.objects.create_user("alice", password="a long enough password"))
    annotate = client.get("/").content.decode().split('id="annotate-title"')[1]
    assert 'href="/jobs/new/"' in annotate
    assert "/accounts/signup/" not in annotate


def test_search_finds_app_by_name_and_links_its_page(client, with_api):
    page = client.get("/genes/", {"q": "APP"})
    assert page.status_code == 200
    assert f'href="/genes/{APP}/"' in page.content.decode()


def test_search_pages_through_every_gene(client, with_api):
    total = with_api.get("/genes").json()["total"]
    last = -(-total // 25)
    page = client.get("/genes/", {"page": last}).content.decode()
    assert f"page {last} of {last}" in page
    assert 'rel="next"' not in page
    assert 'rel="prev"' in page


def test_search_filters_by_strand_and_sorts_by_a_column_both_ways(client, with_api):
    page = client.get("/genes/", {"strand": "-1", "sort": "-length"}).content.decode()
    ids = re.findall(r'<td><a href="/genes/(ENSG\d+)/">', page)
    expected = with_api.get("/genes", params={"strand": -1, "sort": "-length"}).json()["items"]
    assert ids == [gene["gene_stable_id"] for gene in expected]
    assert "<td>+</td>" not in page
    # The length header now sorts ascending; the list says how it is sorted.
    assert 'aria-sort="descending"><a href="?strand=-1&amp;sort=length">' in page


def test_an_unknown_sort_is_a_400(client, with_api):
    answer = client.get("/genes/", {"sort": "password"})
    assert answer.status_code == 400
    assert "Select a valid choice" in answer.content.decode()


def test_the_gene_page_shows_coordinates_links_locus_and_nearest_genes(client, with_api):
    gene = with_api.get(f"/genes/{APP}").json()
    page = client.get(f"/genes/{APP}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"21:{gene['gene_start']}-{gene['gene_end']}" in text
    assert "reverse (-) strand" in text
    assert f"https://www.ensembl.org/Homo_sapiens/Gene/Summary?g={APP}" in text
    assert gene["hgnc_id"] in text
    assert 'stroke="#000"' in text  # the gene outlined in its locus
    nearest = re.findall(r'href="/genes/(ENSG\d+)/"', text.split("Nearest genes", 1)[1])
    assert nearest
    assert APP not in nearest


def test_an_unknown_gene_is_a_404_page(client, with_api):
    page = client.get("/genes/ENSG99999999999/")
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.content.decode()


def test_a_region_shows_its_genes_as_a_track_and_a_table_with_downloads(client, with_api):
    page = client.get("/region/", {"r": "21:25,880,535-26,171,128"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="/genes/{APP}/"' in text
    assert 'class="track"' in text
    tsv = client.get("/region/download.tsv", {"r": "21:25,880,535-26,171,128"})
    assert tsv.status_code == 200
    assert tsv["content-type"].startswith("text/tab-separated-values")
    rows = b"".join(tsv.streaming_content).decode().splitlines()
    assert rows[0].startswith("gene_stable_id\t")
    assert any(row.startswith(APP) for row in rows[1:])
    bed = b"".join(client.get("/region/download.bed", {"r": "21:25880535-26171128"}).streaming_content)
    assert bed.decode().startswith("chr21\t")


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/region/", {"r": "21:9-1"}, "start"),
        ("/region/", {"r": "x" * 101}, "at most 100 characters"),
        ("/genes/", {"q": "a" * 10_000}, "at most 200 characters"),
        ("/genes/", {"page": "-1", "q": "APP"}, "greater than or equal to 1"),
        ("/region/download.tsv", {"r": "21:9-1"}, "start"),
    ],
)
def test_bad_input_is_a_400_that_says_why(client, with_api, path, params, message):
    page = client.get(path, params)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_an_unknown_download_format_is_not_found(client, with_api):
    assert client.get("/region/download.exe", {"r": "21:1-100"}).status_code == 404


@pytest.mark.parametrize("path", ["/genes/" + "E" * 500 + "/", "/genes/%00/", "/genes/ENSG00000142192%20/"])
def test_an_id_the_api_refuses_is_a_4xx_page_with_its_reason_not_a_500(client, with_api, path):
    page = client.get(path)
    assert 400 <= page.status_code < 500
    assert "<h1>That request was not understood</h1>" in page.content.decode()
