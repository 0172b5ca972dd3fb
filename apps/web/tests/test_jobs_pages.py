"""Signing up, uploading a file, following the job and reading its results, against the real
jobs API and the worker's runner; what another user, an empty, binary or oversized file get."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from apps.web.tests.apis import client_of, closed_port
from chr21_web import tokens
from gene_api.core.security import verify_token
from tests.support.jobs import TEST_SIGNING_KEY

BED = b"chr21\t25880535\t25880600\tinside_APP\nchr1\t1\t2\telsewhere\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, with_api):
    client.force_login(User.objects.create_user("alice", password="a long enough password"))
    return client


def upload(client, content: bytes = BED, name: str = "mine.bed", **headers):
    return client.post("/jobs/new/", {"file": _file(name, content)}, headers=headers)


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_token_the_frontend_mints_is_one_the_api_accepts(settings):
    settings.TOKEN_SIGNING_KEY = TEST_SIGNING_KEY
    account = "0f6e3b1c9a8d4e2f8b7a6c5d4e3f2a1b"  # an account's id (accounts/models.py)
    assert verify_token(TEST_SIGNING_KEY, tokens.mint(account)) == account


def test_sign_up_logs_in_and_lands_on_the_jobs(client, with_api):
    answer = client.post(
        "/accounts/signup/",
        {
            "username": "bob.smith@lab",
            "password1": "a long enough password",
            "password2": "a long enough password",
        },
    )
    assert answer.status_code == 302
    assert answer["location"] == "/jobs/"
    assert client.get("/jobs/").status_code == 200


@pytest.mark.parametrize("name", ["bob smith", "-bob", "b" * 65])
def test_sign_up_refuses_a_name_the_jobs_api_would_not_take(client, with_api, name):
    answer = client.post(
        "/accounts/signup/",
        {"username": name, "password1": "x long password 1", "password2": "x long password 1"},
    )
    assert answer.status_code == 400
    assert "letters, digits or . _ @ -" in answer.content.decode()
    assert not User.objects.filter(username=name).exists()


def test_jobs_need_a_login(client, with_api):
    for path in ("/jobs/", "/jobs/new/", "/jobs/x/"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["location"].startswith("/accounts/login/")


def test_an_upload_becomes_a_job_whose_page_shows_its_results(alice, gene_api):
    answer = upload(alice)
    assert answer.status_code == 302
    job_id = re.fullmatch(r"/jobs/([0-9a-f-]+)/", answer["location"])[1]
    waiting = alice.get(answer["location"]).content.decode()
    assert "queued" in waiting
    assert "data-live-job" in waiting
    status = alice.get(f"/jobs/{job_id}/status").json()
    assert (status["status"], status["progress"]) == ("queued", 0)
    assert gene_api.run(job_id) == "succeeded"
    page = alice.get(answer["location"]).content.decode()
    assert "<dt>Records read</dt><dd>2</dd>" in page
    assert "<dt>On other chromosomes</dt><dd>1</dd>" in page
    # The preview: the record's fields, then the annotation's columns, over the first row.
    assert '<th scope="col">field 4</th><th scope="col">gene_id</th>' in page
    assert "<td>inside_APP</td><td>ENSG00000142192</td>" in page
    assert f'src="/jobs/{job_id}/plot.svg"' in page
    plot = alice.get(f"/jobs/{job_id}/plot.svg")
    assert plot["content-type"] == "image/svg+xml"
    assert b"<svg" in b"".join(plot.streaming_content)
    tsv = b"".join(alice.get(f"/jobs/{job_id}/result.tsv").streaming_content).decode().splitlines()
    assert tsv[1].startswith("chr21\t25880535\t25880600\tinside_APP\tENSG00000142192\tAPP")
    assert alice.get("/jobs/").content.decode().count(f'data-job="{job_id}"') == 1


def test_an_upload_by_script_while_the_api_is_down_is_a_503_saying_why_in_json(alice, with_client):
    # The upload form's script reads JSON: the reason, and the reference to quote.
    with_client(client_of(closed_port()))
    answer = upload(alice, Accept="application/json", X_Request_ID="trace-upload")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert answer.json() == {"detail": "the gene API cannot be reached", "request_id": "trace-upload"}


def test_an_upload_by_script_answers_where_the_job_is(alice):
    answer = upload(alice, Accept="application/json")
    assert answer.status_code == 201
    assert re.fullmatch(r"/jobs/[0-9a-f-]+/", answer.json()["location"])


def test_another_users_job_is_not_found_by_list_or_by_url(alice, client, with_api):
    job_url = upload(alice)["location"]
    client.logout()
    client.force_login(User.objects.create_user("mallory", password="another long password"))
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "result.tsv").status_code == 404
    assert client.get(job_url + "status").status_code == 404
    assert job_url.split("/")[2] not in client.get("/jobs/").content.decode()


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", 415, "empty"),
        (bytes(range(256)) * 8, 415, "binary"),
    ],
)
def test_a_file_the_api_refuses_is_shown_with_its_reason(alice, content, status, message):
    answer = upload(alice, content)
    assert answer.status_code == status
    assert message in answer.content.decode()


def test_a_file_past_the_cap_is_a_413_that_says_so(alice, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    answer = upload(alice, BED * 100)
    assert answer.status_code == 413
    assert "larger than 1,000 bytes" in answer.content.decode()


def test_no_file_is_a_400(alice):
    answer = alice.post("/jobs/new/", {})
    assert answer.status_code == 400
    assert "Choose a file to upload" in answer.content.decode()


def test_without_a_signing_key_the_jobs_pages_say_so_with_a_503(alice, settings):
    settings.TOKEN_SIGNING_KEY = ""
    answer = alice.get("/jobs/")
    assert answer.status_code == 503
    assert "TOKEN_SIGNING_KEY is not set" in answer.content.decode()


@pytest.mark.parametrize("suffix", ["", "status", "result.tsv", "plot.svg"])
def test_a_job_id_the_api_refuses_is_a_4xx_not_a_500(alice, suffix):
    answer = alice.get(f"/jobs/{'a' * 300}/{suffix}")
    assert 400 <= answer.status_code < 500


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("forged", {"TOKEN_SIGNING_KEY": "a-key-the-api-does-not-know-of-32-bytes-or-more"}),
        ("expired", {"lifetime": timedelta(minutes=-1)}),
    ],
)
def test_a_token_the_api_refuses_is_a_503_that_says_so(alice, settings, monkeypatch, caplog, what, change):
    # The token is the frontend's own: a refusal means its key or clock differs from the API's.
    if "TOKEN_SIGNING_KEY" in change:
        settings.TOKEN_SIGNING_KEY = change["TOKEN_SIGNING_KEY"]
    else:
        monkeypatch.setattr(tokens, "LIFETIME", change["lifetime"])
    for path in ("/jobs/", "/jobs/statuses"):
        answer = alice.get(path)
        assert answer.status_code == 503, what
    assert "did not accept the credentials of this site" in alice.get("/jobs/").content.decode()
    assert "refused a token the frontend minted" in caplog.text
    assert upload(alice).status_code == 503


def sign_up(client, name: str, password: str) -> None:
    answer = client.post(
        "/accounts/signup/", {"username": name, "password1": password, "password2": password}
    )
    assert answer.status_code == 302, answer.content.decode()


def test_a_new_account_of_a_deleted_ones_name_sees_nothing_of_its_jobs(client, with_api):
    """Jobs belong to the account's id, not its name: carol deleted, a new carol starts empty."""
    sign_up(client, "carol", "carol's first long password")
    job_url = upload(client)["Location"]
    assert job_url.split("/")[2] in client.get("/jobs/").content.decode()
    User.objects.get(username="carol").delete()
    client.logout()
    sign_up(client, "carol", "another carol's long password")
    assert job_url.split("/")[2] not in client.get("/jobs/").content.decode()
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "status").status_code == 404
    assert client.get(job_url + "result.tsv").status_code == 404


def test_the_token_names_the_account_by_its_id_not_its_name(client, with_api, recording_api):
    sign_up(client, "dave", "dave's long enough password")
    client.get("/jobs/")
    (authorization,) = {
        request.headers["authorization"]
        for request, _ in recording_api.exchanges
        if "authorization" in request.headers
    }
    subject = verify_token(TEST_SIGNING_KEY, authorization.removeprefix("Bearer "))
    assert subject == User.objects.get(username="dave").account.id.hex
    assert subject != "dave"


def test_a_job_is_cancelled_or_deleted_from_its_page_with_its_files(alice, gene_api):
    job_url = upload(alice)["Location"]
    job_id = job_url.split("/")[2]
    page = alice.get(job_url).content.decode()
    assert f'action="/jobs/{job_id}/delete"' in page
    assert "Cancel this job and delete its files" in page  # queued: not finished
    assert alice.get(f"/jobs/{job_id}/delete").status_code == 405  # never by a link
    answer = alice.post(f"/jobs/{job_id}/delete")
    assert (answer.status_code, answer["Location"]) == (302, "/jobs/")
    assert alice.get(job_url).status_code == 404
    assert job_id not in alice.get("/jobs/").content.decode()
    assert alice.post(f"/jobs/{job_id}/delete").status_code == 404


def test_another_users_job_cannot_be_deleted(alice, gene_api):
    job_url = upload(alice)["Location"]
    alice.force_login(User.objects.create_user("mallory", password="another long password"))
    assert alice.post(job_url + "delete").status_code == 404
    alice.force_login(User.objects.get(username="alice"))
    assert alice.get(job_url).status_code == 200


def test_the_accounts_limit_of_jobs_in_flight_is_said_on_the_upload_page(
    client, with_api, gene_api, monkeypatch
):
    services = gene_api.client.app.state.job_services
    monkeypatch.setattr(services, "settings", services.settings.model_copy(update={"max_jobs_in_flight": 1}))
    client.force_login(User.objects.create_user("zoe", password="a long enough password"))
    assert upload(client).status_code == 302
    refused = upload(client)
    assert refused.status_code == 429
    assert "You have 1 jobs queued or running, the most at once" in refused.content.decode()
