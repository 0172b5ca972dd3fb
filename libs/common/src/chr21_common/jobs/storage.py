"""Where uploads and results are kept, behind one interface: a local folder (the embedded
default) or an S3 bucket (boto3; the endpoint comes from AWS_ENDPOINT_URL when set, which is
how the tests point it at moto server).

Every write is whole or absent: a folder write goes to a temporary file renamed into place; an
S3 PUT (or a multipart upload, completed) is atomic by itself. Keys come from the server
(a job id and a fixed file name), never from what a user sent; `check_key` enforces it.
"""

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

# A job id, then file names: no '..', no leading '/', nothing a path could escape with.
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}(?:/[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}){0,3}")
READ_CHUNK = 1024 * 1024


class StorageUnavailable(RuntimeError):
    """A transient failure (network, throttling, a 5xx): worth retrying later."""


class NotStored(LookupError):
    """No object under that key."""


def check_key(key: str) -> str:
    if not KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    location: str

    def staging_folder(self) -> Path:
        """A folder for files on their way in, from which `put_file(move=True)` is cheapest."""

    def put_file(self, key: str, path: Path, move: bool = False) -> None: ...

    def get_file(self, key: str, path: Path) -> None: ...

    def read(self, key: str) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def delete_prefix(self, prefix: str) -> None:
        """Every object whose key starts with `prefix/` (a job's folder); none is no error."""
        ...

    def presigned_url(self, key: str, file_name: str, media_type: str, seconds: int) -> str | None:
        """A short-lived URL a client downloads from directly, or None (the API streams it)."""


class FolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.location = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def staging_folder(self) -> Path:
        folder = self.root / ".staging"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put_file(self, key: str, path: Path, move: bool = False) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if move and path.stat().st_dev == target.parent.stat().st_dev:
            os.replace(path, target)
            return
        partial = tempfile.NamedTemporaryFile(dir=target.parent, prefix=".partial-", delete=False)  # noqa: SIM115
        try:
            with partial, path.open("rb") as source:
                shutil.copyfileobj(source, partial, READ_CHUNK)
                partial.flush()
                os.fsync(partial.fileno())
            os.replace(partial.name, target)
        except BaseException:
            Path(partial.name).unlink(missing_ok=True)
            raise
        if move:
            path.unlink()

    def get_file(self, key: str, path: Path) -> None:
        try:
            shutil.copyfile(self._path(key), path)
        except FileNotFoundError:
            raise NotStored(key) from None

    def read(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError:
            raise NotStored(key) from None

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(READ_CHUNK):
                    yield chunk

        return chunks()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self._path(prefix), ignore_errors=True)

    def presigned_url(self, key: str, file_name: str, media_type: str, seconds: int) -> str | None:
        return None


# S3 error codes that mean "try again later".
TRANSIENT_CODES = frozenset(
    {"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling", "503", "500"}
)


class S3Storage:
    def __init__(self, bucket: str, prefix: str = "", client=None, staging: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.location = f"s3://{bucket}/{self.prefix}".rstrip("/")
        self.staging = staging
        # boto3's standard retry mode already retries throttling and 5xx a few times.
        self.client = client or boto3.client("s3", config=Config(retries={"mode": "standard"}))

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def staging_folder(self) -> Path:
        """Uploads on their way to S3 wait here (UPLOAD_STAGING_FOLDER: a volume as large as
        the uploads in flight), else in the system's temporary folder."""
        folder = Path(self.staging or tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _call(self, call, *args, **kwargs):
        from boto3.exceptions import S3UploadFailedError
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call(*args, **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in {"404", "NoSuchKey", "NotFound"}:
                raise NotStored(str(error)) from None
            if code in TRANSIENT_CODES:
                raise StorageUnavailable(f"S3 {code}: {error}") from None
            raise
        except (BotoCoreError, S3UploadFailedError) as error:
            raise StorageUnavailable(f"S3 unreachable: {error}") from None

    def put_file(self, key: str, path: Path, move: bool = False) -> None:
        self._call(self.client.upload_file, str(path), self.bucket, self._key(key))
        if move:
            path.unlink()

    def get_file(self, key: str, path: Path) -> None:
        self._call(self.client.download_file, self.bucket, self._key(key), str(path))

    def read(self, key: str) -> Iterator[bytes]:
        body = self._call(self.client.get_object, Bucket=self.bucket, Key=self._key(key))["Body"]
        return body.iter_chunks(READ_CHUNK)

    def exists(self, key: str) -> bool:
        try:
            self._call(self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        except NotStored:
            return False
        return True

    def delete_prefix(self, prefix: str) -> None:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = self._call(
            lambda: list(paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix) + "/"))
        )
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:  # at most 1,000 a page, delete_objects' own bound
                self._call(
                    self.client.delete_objects, Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True}
                )

    def presigned_url(self, key: str, file_name: str, media_type: str, seconds: int) -> str | None:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": f'attachment; filename="{file_name}"',
                "ResponseContentType": media_type,
            },
            ExpiresIn=seconds,
        )


def storage_at(location: str, staging: str = "") -> Storage:
    """`s3://bucket[/prefix]` or a folder (relative to the working directory)."""
    if location.startswith("s3://"):
        bucket, _, prefix = location.removeprefix("s3://").partition("/")
        return S3Storage(bucket, prefix, staging=staging)
    return FolderStorage(Path(location))


def location_of(uri: str) -> tuple[Storage, str]:
    """An object's (or a folder's) URI split into its storage and key: s3://bucket/a/b is
    (bucket, 'a/b'); /data/uploads/a/b is (folder /data/uploads/a, 'b')."""
    if uri.startswith("s3://"):
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise ValueError(f"{uri!r} names no object: s3://BUCKET/KEY")
        return S3Storage(bucket), check_key(key)
    path = Path(uri)
    return FolderStorage(path.parent), check_key(path.name)
