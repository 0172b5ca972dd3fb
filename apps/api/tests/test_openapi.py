"""The committed OpenAPI document (apps/api/openapi.json) is the one the app serves.

After changing an endpoint, regenerate it: `.venv/bin/gene-api openapi --output apps/api/openapi.json`.
"""

import json
from pathlib import Path

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.json"


def test_served_document_matches_the_committed_one(client):
    served = client.get("/openapi.json").json()
    committed = json.loads(COMMITTED.read_text())
    assert served == committed, (
        "OpenAPI drifted: run `.venv/bin/gene-api openapi --output apps/api/openapi.json`"
    )


def test_every_route_documents_its_errors(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "400" in paths["/regions/{region}/genes"]["get"]["responses"]
    assert "404" in paths["/genes/{gene_stable_id}"]["get"]["responses"]
