"""POST /genes/batch: ids or names, at most 1,000, on both databases."""

import pytest


def test_ids_in_query_order_with_found_flags(client):
    body = client.post(
        "/genes/batch", json={"ids": ["ENSG00000142192", "ENSG99999999999", "ENSG00000279493"]}
    ).json()
    assert [(r["query"], r["found"], len(r["genes"])) for r in body["results"]] == [
        ("ENSG00000142192", True, 1),
        ("ENSG99999999999", False, 0),
        ("ENSG00000279493", True, 1),
    ]


def test_shared_name_returns_every_gene(client, genes_in_file):
    body = client.post("/genes/batch", json={"names": ["y_rna", "APP", "nope"]}).json()
    y_rna = {r["Gene stable ID"] for r in genes_in_file if r["Gene name"] == "Y_RNA"}
    results = {r["query"]: r for r in body["results"]}
    assert {g["gene_stable_id"] for g in results["y_rna"]["genes"]} == y_rna
    assert [g["gene_name"] for g in results["APP"]["genes"]] == ["APP"]
    assert results["nope"] == {"query": "nope", "found": False, "genes": []}


def test_a_thousand_ids_is_the_limit(client, genes_in_file):
    ids = [r["Gene stable ID"] for r in genes_in_file][:1000]
    assert len(client.post("/genes/batch", json={"ids": ids}).json()["results"]) == 1000
    too_many = client.post("/genes/batch", json={"ids": [*ids, "ENSG00000142192"]})
    assert too_many.status_code == 422
    assert "1000" in too_many.text


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": ["a"], "names": ["b"]}, {"ids": "ENSG00000142192"}, {"genes": ["APP"]}, {"ids": [""]}],
)
def test_malformed_bodies_are_422(client, body):
    response = client.post("/genes/batch", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_non_json_body_is_4xx(client):
    response = client.post("/genes/batch", content=b"ids=APP", headers={"content-type": "text/plain"})
    assert 400 <= response.status_code < 500


def test_repeated_queries_each_get_their_result_in_order(client):
    ids = ["ENSG00000142192", "ENSG99999999999", "ENSG00000142192", "ENSG00000142192"]
    results = client.post("/genes/batch", json={"ids": ids}).json()["results"]
    assert [r["query"] for r in results] == ids
    assert [r["found"] for r in results] == [True, False, True, True]
    names = client.post("/genes/batch", json={"names": ["APP", "app", "APP"]}).json()["results"]
    assert [r["query"] for r in names] == ["APP", "app", "APP"]
    assert all(r["genes"][0]["gene_stable_id"] == "ENSG00000142192" for r in names)
