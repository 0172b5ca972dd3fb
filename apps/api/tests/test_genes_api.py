"""GET /genes, /genes/{id}, /genes/by-name/{name}: the original API's contract, on both databases."""

import pytest


def test_first_page_is_ordered_by_start(client, genes_in_file):
    body = client.get("/genes").json()
    assert body["total"] == len(genes_in_file)
    assert (body["page"], body["page_size"]) == (1, 25)
    starts = [gene["gene_start"] for gene in body["items"]]
    assert starts == sorted(starts)
    assert starts[0] == min(int(row["Gene start (bp)"]) for row in genes_in_file)


def test_pages_cover_the_catalogue_once(client, genes_in_file):
    seen = []
    for page in range(1, 7):
        seen += [
            gene["gene_stable_id"] for gene in client.get(f"/genes?page={page}&page_size=200").json()["items"]
        ]
    assert sorted(seen) == sorted(row["Gene stable ID"] for row in genes_in_file)


def test_page_past_the_end_is_empty(client):
    body = client.get("/genes?page=1000&page_size=200").json()
    assert body["items"] == []
    assert body["total"] == 1134


def test_gene_fields_of_the_original_contract(client):
    gene = client.get("/genes/ENSG00000142192").json()
    assert gene == {
        "gene_stable_id": "ENSG00000142192",
        "gene_name": "APP",
        "gene_description": "amyloid beta precursor protein [Source:HGNC Symbol;Acc:HGNC:620]",
        "chromosome": "21",
        "gene_start": 25880535,
        "gene_end": 26171128,
        "strand": -1,
        "gene_type": "protein_coding",
        "hgnc_id": "HGNC:620",
        "length": 290594,
    }


def test_gene_type_is_a_case_insensitive_substring(client, genes_in_file):
    body = client.get("/genes?gene_type=PSEUDOGENE&page_size=200").json()
    expected = [row for row in genes_in_file if "pseudogene" in row["Gene type"].lower()]
    assert body["total"] == len(expected)
    assert all("pseudogene" in gene["gene_type"] for gene in body["items"])


def test_search_covers_name_and_description(client, genes_in_file):
    body = client.get("/genes?search=amyloid&page_size=200").json()
    expected = {
        row["Gene stable ID"]
        for row in genes_in_file
        if "amyloid" in row["Gene name"].lower() or "amyloid" in row["Gene description"].lower()
    }
    assert {gene["gene_stable_id"] for gene in body["items"]} == expected
    assert "ENSG00000142192" in expected


def test_every_word_of_a_search_is_in_the_id_name_or_description(client):
    assert [g["gene_stable_id"] for g in client.get("/genes?search=ENSG00000142192").json()["items"]] == [
        "ENSG00000142192"
    ]
    words = client.get("/genes?search=precursor%20amyloid&page_size=200").json()["items"]
    assert "ENSG00000142192" in {gene["gene_stable_id"] for gene in words}
    assert all(
        "precursor" in (g["gene_description"] or "").lower()
        and "amyloid" in (g["gene_description"] or "").lower()
        for g in words
        if "amyloid" not in (g["gene_name"] or "").lower()
    )


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("start", lambda g: g["gene_start"], False),
        ("-length", lambda g: g["length"], True),
        ("name", lambda g: (g["gene_name"] is None, (g["gene_name"] or "").lower()), False),
        ("-type", lambda g: g["gene_type"].lower(), True),
    ],
)
def test_a_list_is_sorted_by_the_column_asked_for_ties_by_start(client, sort, key, reverse):
    genes = []
    for page in (1, 2, 3, 4, 5, 6):
        genes += client.get("/genes", params={"sort": sort, "page_size": 200, "page": page}).json()["items"]
    assert len(genes) == 1134
    assert genes == sorted(sorted(genes, key=lambda g: g["gene_start"]), key=key, reverse=reverse)


def test_a_list_filters_by_strand(client):
    forward = client.get("/genes?strand=1&page_size=200").json()
    reverse = client.get("/genes?strand=-1&page_size=200").json()
    assert forward["total"] + reverse["total"] == 1134
    assert {g["strand"] for g in forward["items"]} == {1}


def test_search_treats_wildcards_literally(client):
    assert client.get("/genes?search=%25").json()["total"] == 0
    assert client.get("/genes?search=_").json()["total"] > 0  # names such as Y_RNA


def test_chromosome_filter_accepts_aliases(client):
    for name in ("21", "chr21", "NC_000021.9"):
        assert client.get(f"/genes?chromosome={name}").json()["total"] == 1134


def test_unknown_chromosome_is_an_empty_result_that_says_why(client):
    response = client.get("/genes?chromosome=22")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["items"]) == (0, [])
    assert "chromosome 21" in body["message"]


def test_unknown_id_is_404(client):
    response = client.get("/genes/ENSG99999999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Gene not found"


def test_malformed_id_is_422_saying_the_pattern(client):
    response = client.get("/genes/not-a-gene")
    assert response.status_code == 422
    assert "ENSG" in response.text


def test_by_name_is_case_insensitive(client):
    assert client.get("/genes/by-name/app").json()["gene_stable_id"] == "ENSG00000142192"


def test_shared_name_returns_the_lowest_start(client, genes_in_file):
    starts = [
        (int(r["Gene start (bp)"]), r["Gene stable ID"]) for r in genes_in_file if r["Gene name"] == "Y_RNA"
    ]
    assert len(starts) > 1
    assert client.get("/genes/by-name/Y_RNA").json()["gene_stable_id"] == min(starts)[1]


def test_unknown_name_is_404(client):
    assert client.get("/genes/by-name/NOSUCHGENE").status_code == 404


def test_page_size_is_bounded(client):
    assert client.get("/genes?page_size=201").status_code == 422
    assert client.get("/genes?page_size=0").status_code == 422
    assert client.get("/genes?page=0").status_code == 422
