"""Receiving POST /jobs's file: the multipart body streamed, part by part, into a staging file
of the uploads storage, never held in memory; its size capped (413) and its first bytes sniffed
(415) while it arrives, so a wrong or oversized file is refused without reading the rest.
"""

import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from chr21_common.jobs.formats import SNIFF_BYTES, InputFormat, UnsupportedInput, sniff
from gene_api.core.problems import excerpt

FILE_FIELD = "file"
# Longest file name kept (for display only; storage keys never derive from it).
MAX_NAME = 255
# Bytes of part headers and other fields a request may hold besides the file.
MAX_HEADER_BYTES = 16 * 1024


@dataclass(frozen=True)
class Upload:
    path: Path  # the staging file, which the caller moves into storage or deletes
    size: int
    name: str
    format: InputFormat


def _bad_request(detail: str) -> HTTPException:
    return HTTPException(status_code=400, detail=detail, headers={"Connection": "close"})


def _display_name(disposition: bytes) -> str:
    _, options = parse_options_header(disposition)
    raw = options.get(b"filename", b"upload").decode("utf-8", errors="replace")
    # Only the last path component, printable, bounded: a name to show, never to open.
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable())[:MAX_NAME]
    return name or "upload"


class _Receiver:
    """The parser's callbacks: the `file` part's bytes go to the staging file, counted."""

    def __init__(self, staging: Path, limit: int) -> None:
        self.limit = limit
        self.handle = tempfile.NamedTemporaryFile(dir=staging, prefix="upload-", delete=False)  # noqa: SIM115
        self.path = Path(self.handle.name)
        self.size = 0
        self.head = bytearray()
        self.format: InputFormat | None = None
        self.name: str | None = None
        self.files = 0
        self.other_bytes = 0
        self._header_field = b""
        self._headers: dict[bytes, bytes] = {}
        self._in_file = False

    def on_part_begin(self) -> None:
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._header_field.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]
        self.other_bytes += end - start
        if self.other_bytes > MAX_HEADER_BYTES:
            raise _bad_request("the form's headers and fields are too large")

    def on_header_end(self) -> None:
        self._header_field = b""

    def on_headers_finished(self) -> None:
        disposition = self._headers.get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        self._in_file = options.get(b"name") == FILE_FIELD.encode()
        if self._in_file:
            self.files += 1
            if self.files > 1:
                raise _bad_request(f"send one file, in the form field {FILE_FIELD!r}")
            self.name = _display_name(disposition)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            self.other_bytes += end - start
            if self.other_bytes > MAX_HEADER_BYTES:
                raise _bad_request("the form's headers and fields are too large")
            return
        chunk = data[start:end]
        self.size += len(chunk)
        if self.size > self.limit:
            raise HTTPException(
                status_code=413,
                detail=f"the file may hold at most {self.limit:,} bytes",
                headers={"Connection": "close"},
            )
        self.handle.write(chunk)
        if self.format is None and len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._sniff(complete=False)

    def on_part_end(self) -> None:
        if self._in_file and self.format is None:
            self._sniff(complete=True)
        self._in_file = False

    def _sniff(self, complete: bool) -> None:
        try:
            self.format = sniff(bytes(self.head), complete=complete)
        except UnsupportedInput as error:
            raise HTTPException(
                status_code=415,
                detail=f"{error}; the pipeline reads BED, VCF or gene lists, plain or gzip-compressed",
                headers={"Connection": "close"},
            ) from None

    def callbacks(self) -> dict:
        names = ("on_part_begin", "on_header_field", "on_header_value", "on_header_end")
        names += ("on_headers_finished", "on_part_data", "on_part_end")
        return {name: getattr(self, name) for name in names}

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


async def receive_upload(content_type: str, body: AsyncIterator[bytes], staging: Path, limit: int) -> Upload:
    """The request's `file` part, written to a new file under `staging`; HTTPException 4xx else."""
    media_type, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise HTTPException(
            status_code=415,
            detail="send the file as multipart/form-data (curl -F file=@PATH), "
            f"not {excerpt(content_type)!r}",
            headers={"Accept-Post": "multipart/form-data", "Connection": "close"},
        )
    receiver = _Receiver(staging, limit)
    try:
        parser = MultipartParser(boundary, receiver.callbacks())
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
        if receiver.files == 0 or receiver.format is None:
            raise _bad_request(
                f"the form has no complete file in the field {FILE_FIELD!r} (curl -F file=@PATH)"
            )
        receiver.handle.flush()
        os.fsync(receiver.handle.fileno())
        receiver.handle.close()
    except MultipartParseError as error:
        receiver.discard()
        raise _bad_request(f"the multipart body is malformed: {error}") from None
    except BaseException:
        receiver.discard()
        raise
    return Upload(receiver.path, receiver.size, receiver.name or "upload", receiver.format)
