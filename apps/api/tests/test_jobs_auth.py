"""Bearer tokens of the jobs API: what is refused and how; the gene endpoints stay public;
`gene-api token` prints a token the API takes."""

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from gene_api.cli import main
from gene_api.core.config import get_settings
from gene_api.core.security import AUDIENCE, TokenError, mint_token, verify_token
from gene_api.main import create_app
from tests.support.jobs import TEST_SIGNING_KEY, bearer, jobs_settings

REFUSED = {
    "no header": {},
    "not bearer": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
    "empty bearer": {"Authorization": "Bearer "},
    "garbage": {"Authorization": "Bearer not.a.jwt"},
    "other key": {"Authorization": f"Bearer {mint_token('another-key-also-32-bytes-long!!!', 'alice')}"},
    "expired": {"Authorization": f"Bearer {mint_token(TEST_SIGNING_KEY, 'alice', timedelta(seconds=-1))}"},
    "huge": {"Authorization": "Bearer " + "a" * 5000},
    "none algorithm": {
        "Authorization": "Bearer " + jwt.encode({"sub": "alice", "aud": AUDIENCE, "exp": 2**40}, None, "none")
    },
    "no expiry": {
        "Authorization": "Bearer " + jwt.encode({"sub": "alice", "aud": AUDIENCE}, TEST_SIGNING_KEY, "HS256")
    },
    "other audience": {
        "Authorization": "Bearer "
        + jwt.encode({"sub": "alice", "aud": "someone-else", "exp": 2**40}, TEST_SIGNING_KEY, "HS256")
    },
    "bad user name": {
        "Authorization": "Bearer "
        + jwt.encode({"sub": "../etc", "aud": AUDIENCE, "exp": 2**40}, TEST_SIGNING_KEY, "HS256")
    },
}


@pytest.mark.parametrize("headers", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("path", ["/jobs", "/jobs/some-id", "/jobs/some-id/result", "/jobs/some-id/plot"])
def test_requests_without_a_valid_token_get_401(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


def test_an_upload_without_a_token_is_refused_before_its_body_is_stored(client):
    uploads = client.app.state.job_services.uploads.root
    before = sorted(uploads.rglob("*")) if uploads.exists() else []
    response = client.post("/jobs", files={"file": ("a.bed", b"chr21\t1\t2\n")})
    assert response.status_code == 401
    assert (sorted(uploads.rglob("*")) if uploads.exists() else []) == before


def test_gene_endpoints_need_no_token(client):
    assert client.get("/genes/ENSG00000142192").status_code == 200


def test_without_a_signing_key_the_jobs_api_is_off(seeded_url, tmp_path):
    settings = jobs_settings(seeded_url, tmp_path, token_signing_key=None)
    with TestClient(create_app(settings)) as off:
        response = off.get("/jobs", headers=bearer())
        assert response.status_code == 503
        assert "TOKEN_SIGNING_KEY" in response.json()["detail"]
        assert off.get("/genes/ENSG00000142192").status_code == 200


def test_a_minted_token_names_its_user_and_short_keys_are_refused():
    assert verify_token(TEST_SIGNING_KEY, mint_token(TEST_SIGNING_KEY, "alice")) == "alice"
    with pytest.raises(TokenError, match="at least 32 bytes"):
        mint_token("short", "alice")
    with pytest.raises(TokenError, match="user name"):
        mint_token(TEST_SIGNING_KEY, "alice smith")


def test_the_token_command_prints_a_token_the_api_takes(client, monkeypatch, capsys):
    monkeypatch.setenv("TOKEN_SIGNING_KEY", TEST_SIGNING_KEY)
    get_settings.cache_clear()
    try:
        assert main(["token", "alice"]) == 0
        printed = capsys.readouterr().out
        assert printed.count("\n") == 1
        assert client.get("/jobs", headers={"Authorization": f"Bearer {printed.strip()}"}).status_code == 200
        assert main(["token", "not a name"]) == 1
        assert "user name" in capsys.readouterr().err
        monkeypatch.delenv("TOKEN_SIGNING_KEY")
        get_settings.cache_clear()
        assert main(["token", "alice"]) == 1
        assert "TOKEN_SIGNING_KEY is not set" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
