"""An answer of the API passed on to the browser as it arrives (a download, a picture)."""

import httpx
from django.http import StreamingHttpResponse


def relayed(answer: httpx.Response, filename: str | None = None) -> StreamingHttpResponse:
    """`answer` (streamed) as the browser's response, closed when sent or abandoned; an
    attachment named `filename` when given."""

    def chunks():
        try:
            yield from answer.iter_bytes()
        finally:
            answer.close()

    response = StreamingHttpResponse(
        chunks(), content_type=answer.headers.get("content-type", "application/octet-stream")
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
