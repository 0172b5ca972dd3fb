"""Both storages behind one interface (chr21_common/jobs/storage.py), held to one contract: a
folder, and S3 through boto3 against moto server. Keys are the server's own; writes are whole
or absent; a missing object is NotStored; an unreachable S3 is StorageUnavailable (retried)."""

import uuid

import httpx
import pytest

from chr21_common.jobs.storage import (
    FolderStorage,
    NotStored,
    S3Storage,
    StorageUnavailable,
    check_key,
    storage_at,
)
from tests.support.aws import new_bucket


@pytest.fixture(params=["folder", "s3"])
def storage(request, tmp_path):
    if request.param == "folder":
        return FolderStorage(tmp_path / "store")
    request.getfixturevalue("aws")
    return storage_at(f"s3://{new_bucket(f'test-{uuid.uuid4().hex[:12]}')}/prefix")


def test_a_file_put_is_read_back_whole(storage, tmp_path):
    source = tmp_path / "source"
    source.write_bytes(b"chr21\t1\t2\n" * 200_000)  # several read chunks
    storage.put_file("job-1/input", source)
    assert source.exists()
    assert storage.exists("job-1/input")
    assert b"".join(storage.read("job-1/input")) == source.read_bytes()
    copy = tmp_path / "copy"
    storage.get_file("job-1/input", copy)
    assert copy.read_bytes() == source.read_bytes()


def test_a_moved_file_leaves_its_source_and_replaces_the_object(storage, tmp_path):
    for content in (b"first", b"second"):
        source = storage.staging_folder() / f"staged-{uuid.uuid4().hex}"
        source.write_bytes(content)
        storage.put_file("job-2/result.tsv", source, move=True)
        assert not source.exists()
    assert b"".join(storage.read("job-2/result.tsv")) == b"second"


def test_a_missing_object_is_not_stored(storage, tmp_path):
    assert not storage.exists("job-3/input")
    with pytest.raises(NotStored):
        storage.get_file("job-3/input", tmp_path / "x")
    with pytest.raises(NotStored):
        b"".join(storage.read("job-3/input"))


@pytest.mark.parametrize(
    "key", ["", "../etc/passwd", "/abs", "a/../b", "a//b", "a/b/c/d/e", "a\\b", ".hidden"]
)
def test_keys_that_could_escape_are_refused(storage, key, tmp_path):
    with pytest.raises(ValueError, match="not a storage key"):
        check_key(key)
    with pytest.raises(ValueError, match="not a storage key"):
        storage.exists(key)


def test_a_failed_folder_write_leaves_nothing(tmp_path):
    storage = FolderStorage(tmp_path / "store")
    with pytest.raises(IsADirectoryError):
        storage.put_file("job-4/input", tmp_path)  # a folder cannot be copied as a file
    assert not storage.exists("job-4/input")
    assert list((tmp_path / "store" / "job-4").iterdir()) == []


def test_s3_results_are_downloaded_from_a_presigned_url(aws):
    storage = storage_at(f"s3://{new_bucket(f'test-{uuid.uuid4().hex[:12]}')}")
    source = storage.staging_folder() / f"result-{uuid.uuid4().hex}"
    source.write_bytes(b"row\n")
    storage.put_file("job-5/result.tsv", source, move=True)
    url = storage.presigned_url("job-5/result.tsv", "job-5-result.tsv", "text/tab-separated-values", 60)
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"row\n"
    assert response.headers["content-disposition"] == 'attachment; filename="job-5-result.tsv"'
    assert FolderStorage(storage.staging_folder()).presigned_url("x/y", "y", "text/plain", 60) is None


def test_an_unreachable_s3_is_a_transient_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    storage = S3Storage("any-bucket")
    source = tmp_path / "source"
    source.write_bytes(b"x")
    with pytest.raises(StorageUnavailable, match="unreachable"):
        storage.put_file("job-6/input", source)
    with pytest.raises(StorageUnavailable):
        storage.exists("job-6/input")
