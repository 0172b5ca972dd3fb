"""GET /regions/{region}/genes: overlap, 1-based inclusive at both ends, on both databases."""

import pytest

APP_START, APP_END = 25_880_535, 26_171_128


def ids(client, region, **params):
    response = client.get(f"/regions/{region}/genes", params={"page_size": 200, **params})
    assert response.status_code == 200, response.text
    return [gene["gene_stable_id"] for gene in response.json()["items"]]


def expected_overlap(genes_in_file, start, end):
    rows = [r for r in genes_in_file if int(r["Gene start (bp)"]) <= end and int(r["Gene end (bp)"]) >= start]
    return [
        r["Gene stable ID"]
        for r in sorted(rows, key=lambda r: (int(r["Gene start (bp)"]), r["Gene stable ID"]))
    ]


@pytest.mark.parametrize(
    "region", ["21:25880535-26171128", "chr21:25,880,535-26,171,128", "NC_000021.9:25880535-26171128"]
)
def test_region_forms_give_the_same_genes(client, genes_in_file, region):
    assert ids(client, region) == expected_overlap(genes_in_file, APP_START, APP_END)


def test_region_ending_exactly_at_a_gene_start_includes_it(client):
    assert "ENSG00000142192" in ids(client, f"21:{APP_START - 10}-{APP_START}")


def test_region_ending_one_base_before_a_gene_start_excludes_it(client):
    assert "ENSG00000142192" not in ids(client, f"21:{APP_START - 10}-{APP_START - 1}")


def test_region_starting_exactly_at_a_gene_end_includes_it(client):
    assert "ENSG00000142192" in ids(client, f"21:{APP_END}-{APP_END + 10}")


def test_region_starting_one_base_after_a_gene_end_excludes_it(client):
    assert "ENSG00000142192" not in ids(client, f"21:{APP_END + 1}-{APP_END + 10}")


def test_one_megabase_window(client, genes_in_file):
    assert ids(client, "21:30000000-31000000") == expected_overlap(genes_in_file, 30_000_000, 31_000_000)


def test_filters_and_paging(client, genes_in_file):
    everything = expected_overlap(genes_in_file, 1, 46_709_983)
    body = client.get("/regions/21:1-46709983/genes?page=2&page_size=10").json()
    assert body["total"] == len(everything)
    assert [g["gene_stable_id"] for g in body["items"]] == everything[10:20]
    minus = client.get("/regions/21:1-46709983/genes?strand=-1&gene_type=protein_coding&page_size=200").json()
    assert {(g["strand"], g["gene_type"]) for g in minus["items"]} == {(-1, "protein_coding")}


def test_unknown_chromosome_is_empty_and_says_why(client):
    body = client.get("/regions/chr22:1-1000/genes").json()
    assert body["total"] == 0
    assert "chromosome 21" in body["message"]


@pytest.mark.parametrize(
    ("region", "says"),
    [
        ("21:200-100", "after end"),
        ("21:0-100", "1 or more"),
        ("21:abc-def", "not of the form"),
        ("21:1-99999999", "beyond the end of chromosome 21"),
    ],
)
def test_bad_regions_are_400_with_a_reason(client, region, says):
    response = client.get(f"/regions/{region}/genes")
    assert response.status_code == 400
    assert says in response.json()["detail"]


def test_strand_must_be_one_or_minus_one(client):
    assert client.get("/regions/21:1-100/genes?strand=0").status_code == 422
