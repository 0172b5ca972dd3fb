"""POST /jobs under hostile and broken uploads: size caps (declared, streamed, the file part),
media types, malformed forms, file names that try to pick a path, an unreachable queue. A
refused upload leaves nothing behind; an accepted one is kept under a key from its job id."""

import gzip

import pytest
from fastapi.testclient import TestClient

from chr21_common.jobs.state import upload_key
from gene_api.main import create_app
from tests.support.jobs import bearer, jobs_settings

BED = b"chr21\t25880535\t25880600\tin_app\n"
LIMIT = 4096


@pytest.fixture
def small(seeded_url, tmp_path):
    """An API taking files of at most LIMIT bytes."""
    with TestClient(create_app(jobs_settings(seeded_url, tmp_path, max_upload_bytes=LIMIT))) as client:
        yield client


def files_left(client) -> list:
    root = client.app.state.job_services.uploads.root
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def post(client, **kwargs):
    return client.post("/jobs", headers={**bearer(), **kwargs.pop("headers", {})}, **kwargs)


def test_an_accepted_upload_is_kept_under_its_job_id_whatever_its_name(small):
    response = post(small, files={"file": ("../../etc/passwd", gzip.compress(BED))})
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["input_name"], job["input_format"], job["input_bytes"]) == (
        "passwd",
        "bed",
        len(gzip.compress(BED)),
    )
    root = small.app.state.job_services.uploads.root
    assert files_left(small) == [root / upload_key(job["id"])]
    assert gzip.decompress((root / upload_key(job["id"])).read_bytes()) == BED


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "vcf",
            b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n21\t1\t.\tA\tG\t.\t.\t.\n",
        ),
        ("genes", b"APP\nENSG00000142192\n"),
        ("bed", BED),
    ],
)
def test_the_format_is_told_from_the_content_not_the_name(small, name, content):
    response = post(small, files={"file": ("data.txt", content)})
    assert response.status_code == 202, response.text
    assert response.json()["input_format"] == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "vcf",
            b"##fileformat=VCFv4.2\r\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\r\n21\t1\t.\tA\tG\t.\t.\t.\r\n",
        ),
        ("genes", b"APP\r\nENSG00000142192\r\n"),
        ("bed", BED.replace(b"\n", b"\r\n")),
    ],
)
def test_a_byte_order_mark_before_the_first_line_is_no_part_of_it(small, name, content):
    """A spreadsheet's UTF-8 export: the mark is dropped, the format told as without it."""
    for data in (b"\xef\xbb\xbf" + content, gzip.compress(b"\xef\xbb\xbf" + content, mtime=0)):
        response = post(small, files={"file": ("data.txt", data)})
        assert response.status_code == 202, response.text
        assert response.json()["input_format"] == name


def test_a_file_past_the_limit_gets_413_and_leaves_nothing(small):
    response = post(small, files={"file": ("big.bed", BED * (LIMIT // len(BED) + 1))})
    assert response.status_code == 413
    assert f"{LIMIT:,} bytes" in response.json()["detail"]
    assert files_left(small) == []


def test_a_declared_length_past_the_limit_is_refused_before_reading(small):
    response = post(
        small,
        content=b"x",
        headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": "999999"},
    )
    assert response.status_code == 413
    assert response.headers["connection"] == "close"


def test_a_streamed_body_past_the_limit_is_cut_off(small):
    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bed"\r\n\r\n'
        for _ in range(100):
            yield BED * 10

    response = post(small, content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert files_left(small) == []


@pytest.mark.parametrize(
    ("kwargs", "status", "detail"),
    [
        ({"json": {"file": "chr21\t1\t2"}}, 415, "multipart/form-data"),
        ({"files": {"data": ("a.bed", BED)}}, 400, "no complete file"),
        ({"files": [("file", ("a.bed", BED)), ("file", ("b.bed", BED))]}, 400, "one file"),
        ({"files": {"file": ("a.bin", b"\x00\x01\x02" * 100)}}, 415, "binary"),
        (
            {
                "content": b"--b\r\nnot a header line\r\n",
                "headers": {"Content-Type": "multipart/form-data; boundary=b"},
            },
            400,
            "",
        ),
        ({"content": b"", "headers": {"Content-Type": "multipart/form-data"}}, 415, "multipart/form-data"),
    ],
    ids=["json", "no file field", "two files", "binary", "malformed", "no boundary"],
)
def test_broken_forms_get_a_clear_4xx_and_leave_nothing(small, kwargs, status, detail):
    response = post(small, **kwargs)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]
    assert files_left(small) == []


def test_an_unreachable_queue_fails_the_job_with_503_and_keeps_the_upload(seeded_url, tmp_path):
    settings = jobs_settings(seeded_url, tmp_path, broker_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings)) as client:
        user = bearer("queue-down")
        response = client.post("/jobs", files={"file": ("a.bed", BED)}, headers=user)
        assert response.status_code == 503, response.text
        assert "could not be started" in response.json()["detail"]
        [job] = client.get("/jobs", headers=user).json()["items"]
        assert job["status"] == "failed"
        assert "upload is kept" in job["error"]["message"]
        assert (tmp_path / "uploads" / upload_key(job["id"])).read_bytes() == BED
