"""GET /stats: counts derived from the data file, and its metadata."""

from collections import Counter

from gene_api.dataset import DATA_FILE, sha256_of


def test_counts_match_the_file(client, genes_in_file):
    body = client.get("/stats").json()
    assert body["gene_count"] == len(genes_in_file)
    assert body["by_gene_type"] == dict(Counter(r["Gene type"] for r in genes_in_file))
    assert body["by_strand"] == {k: v for k, v in Counter(r["Strand"] for r in genes_in_file).items()}
    assert body["span"] == {
        "start": min(int(r["Gene start (bp)"]) for r in genes_in_file),
        "end": max(int(r["Gene end (bp)"]) for r in genes_in_file),
    }


def test_dataset_metadata(client):
    dataset = client.get("/stats").json()["dataset"]
    assert dataset["assembly"] == "GRCh38"
    assert dataset["sha256"] == sha256_of(DATA_FILE)
    assert dataset["file_name"] == DATA_FILE.name
    assert "1-based" in dataset["coordinates"]


def test_load_time_carries_its_time_zone(client):
    loaded_at = client.get("/stats").json()["dataset"]["loaded_at"]
    assert loaded_at.endswith(("Z", "+00:00"))
