"""GET /genes/nearest: the k nearest genes with signed distances, on both databases."""

import pytest

from chr21_common.coordinates import signed_distance


def expected_nearest(genes_in_file, position, k, gene_type=None):
    rows = [r for r in genes_in_file if gene_type is None or gene_type in r["Gene type"]]

    def gap(row):
        return abs(signed_distance(position, int(row["Gene start (bp)"]), int(row["Gene end (bp)"])))

    rows.sort(key=lambda r: (gap(r), int(r["Gene start (bp)"]), r["Gene stable ID"]))
    return [
        (r["Gene stable ID"], signed_distance(position, int(r["Gene start (bp)"]), int(r["Gene end (bp)"])))
        for r in rows[:k]
    ]


@pytest.mark.parametrize("position", [5_000_000, 25_880_535, 26_171_128, 26_171_129, 30_000_000, 46_709_983])
def test_nearest_matches_a_scan_of_the_file(client, genes_in_file, position):
    body = client.get(f"/genes/nearest?position=chr21:{position}&k=5").json()
    assert [(g["gene_stable_id"], g["distance"]) for g in body["items"]] == expected_nearest(
        genes_in_file, position, 5
    )
    assert (body["chromosome"], body["position"]) == ("21", position)


def test_position_inside_a_gene_has_distance_zero(client):
    body = client.get("/genes/nearest?position=21:26000000&k=50").json()
    app = next(g for g in body["items"] if g["gene_stable_id"] == "ENSG00000142192")
    assert app["distance"] == 0


def test_gene_type_filter(client, genes_in_file):
    body = client.get("/genes/nearest?position=21:30000000&k=3&gene_type=protein_coding").json()
    expected = expected_nearest(genes_in_file, 30_000_000, 3, "protein_coding")
    assert [(g["gene_stable_id"], g["distance"]) for g in body["items"]] == expected


def test_default_k_is_three(client):
    assert len(client.get("/genes/nearest?position=21:30000000").json()["items"]) == 3


def test_unknown_chromosome_is_empty_and_says_why(client):
    body = client.get("/genes/nearest?position=chrX:100").json()
    assert body["items"] == []
    assert "chromosome 21" in body["message"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("position=21", 400),
        ("position=21:x", 400),
        ("position=21:0", 400),
        ("position=21:100&k=0", 422),
        ("", 422),
    ],
)
def test_bad_queries_are_4xx(client, query, status):
    response = client.get(f"/genes/nearest?{query}")
    assert response.status_code == status
    assert response.json()["detail"]
