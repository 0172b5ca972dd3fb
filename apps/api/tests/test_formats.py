"""JSON, TSV and BED output of the list and region endpoints, by `format=` or Accept."""

import csv
import io

import pytest

APP = "ENSG00000142192"
APP_REGION = "/regions/21:25880535-25880535/genes"


def test_json_is_the_default(client):
    assert client.get(APP_REGION).headers["content-type"] == "application/json"


def test_bed_is_zero_based_half_open(client):
    response = client.get(APP_REGION, params={"format": "bed"})
    assert response.headers["content-type"].startswith("text/x-bed")
    lines = [line.split("\t") for line in response.text.splitlines()]
    app = next(line for line in lines if line[3] == APP)
    assert app == ["chr21", "25880534", "26171128", APP, "0", "-"]
    assert response.headers["x-total-count"] == str(len(lines))


def test_tsv_has_a_header_and_every_field(client):
    response = client.get("/genes", params={"format": "tsv", "search": "amyloid beta precursor protein"})
    rows = list(csv.DictReader(io.StringIO(response.text), delimiter="\t"))
    app = next(row for row in rows if row["gene_stable_id"] == APP)
    assert (app["gene_start"], app["gene_end"], app["hgnc_id"]) == ("25880535", "26171128", "HGNC:620")


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/x-bed", "text/x-bed"),
        ("text/html, text/x-bed;q=0.9", "text/x-bed"),
        ("application/json;q=0.2, text/x-bed", "text/x-bed"),
        ("text/tab-separated-values;q=0.5, text/x-bed;q=0.8", "text/x-bed"),
        ("text/x-bed;q=0, */*", "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
    ],
)
def test_accept_header_chooses(client, accept, media_type):
    assert client.get("/genes", headers={"Accept": accept}).headers["content-type"].startswith(media_type)


def test_format_parameter_wins_over_accept(client):
    response = client.get("/genes?format=json", headers={"Accept": "text/x-bed"})
    assert response.headers["content-type"] == "application/json"


def test_unknown_format_is_422_naming_the_choices(client):
    response = client.get("/genes?format=xml")
    assert response.status_code == 422
    assert "json" in response.text
    assert "bed" in response.text


def test_a_type_refused_with_q_zero_is_not_chosen(client):
    assert client.get("/genes", headers={"Accept": "text/x-bed;q=0"}).status_code == 406


def test_unanswerable_accept_is_406(client):
    response = client.get("/genes", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "format=" in response.json()["detail"]


def test_empty_result_as_bed_is_empty(client):
    response = client.get("/regions/chr22:1-100/genes?format=bed")
    assert (response.status_code, response.text) == (200, "")


@pytest.mark.parametrize("fmt", ["tsv", "bed"])
def test_exports_hold_every_matching_gene_not_a_page(client, genes_in_file, fmt):
    response = client.get("/regions/21:1-46709983/genes", params={"format": fmt})
    lines = response.text.splitlines()
    assert len(lines) - (fmt == "tsv") == len(genes_in_file) == int(response.headers["x-total-count"])
    everything = client.get("/genes", params={"format": fmt}).text.splitlines()
    assert len(everything) - (fmt == "tsv") == len(genes_in_file)


def test_json_stays_paged(client, genes_in_file):
    page = client.get("/regions/21:1-46709983/genes").json()
    assert (page["total"], len(page["items"])) == (len(genes_in_file), 25)


@pytest.mark.parametrize("paging", [{"page": "2"}, {"page_size": "10"}])
def test_paging_an_export_is_refused_not_ignored(client, paging):
    response = client.get("/genes", params={"format": "bed", **paging})
    assert response.status_code == 400
    assert "JSON only" in response.json()["detail"]
