"""Uploads are bounded while they arrive: past MAX_UPLOAD_BYTES the reading stops, so a file
too large never fills the pod's disk; the view answers 413 saying so."""

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class BoundedUploadHandler(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)


def too_large_message() -> str:
    return f"the file is larger than {settings.MAX_UPLOAD_BYTES:,} bytes, the most a job takes"
