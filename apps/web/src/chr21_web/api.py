"""The gene API, as the frontend reads it: one HTTP client (pooled connections, bounded
waits), answers as dicts, and two kinds of failure the pages show differently:

- `ApiUnavailable`: the API did not answer in time, refused the connection, or answered 5xx.
  Pages answer 503 saying so (middleware.py); the rest of the site keeps working.
- `ApiRefused`: the API answered 4xx with a problem document (a malformed region, say). Pages
  show its `detail` to the user, who can correct what they typed.
"""

import csv
import io
import logging
from urllib.parse import quote

import httpx
from django.conf import settings

from chr21_common.logs import NO_REQUEST_ID, request_id_var
from chr21_web import tokens

log = logging.getLogger(__name__)

_client: httpx.Client | None = None


class ApiUnavailable(Exception):
    pass


class ApiRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def client() -> httpx.Client:
    """The process's client of the API (the tests put one of theirs in its place)."""
    global _client
    if _client is None:
        _client = httpx.Client(
            base_url=settings.API_URL,
            timeout=httpx.Timeout(settings.API_TIMEOUT_SECONDS, connect=settings.API_CONNECT_TIMEOUT_SECONDS),
            headers={"Accept": "application/json"},
        )
    return _client


def use_client(replacement: httpx.Client | None) -> None:
    global _client
    _client = replacement


def get(
    path: str, params: dict | None = None, accept: str = "application/json", user: str = ""
) -> httpx.Response:
    return call("GET", path, params=params, accept=accept, user=user)


def call(
    method: str,
    path: str,
    *,
    params: dict | None = None,
    accept: str = "application/json",
    user: str = "",
    files: dict | None = None,
    stream: bool = False,
) -> httpx.Response:
    """One request to the API, as `user` when given (a token minted for it); a 404 or a
    redirect is the caller's to read, a 4xx is ApiRefused, the rest ApiUnavailable. It carries
    the page's request id, so the API's log lines (and a job's) have the same."""
    headers = {"Accept": accept}
    if (request_id := request_id_var.get()) != NO_REQUEST_ID:
        headers["X-Request-ID"] = request_id
    if user:
        try:
            headers["Authorization"] = f"Bearer {tokens.mint(user)}"
        except tokens.NoSigningKey as error:  # a setting missing: the jobs pages cannot work
            raise ApiUnavailable(str(error)) from None
    query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    try:
        request = client().build_request(method, path, params=query, headers=headers, files=files)
        answer = client().send(request, stream=stream)
    except httpx.TimeoutException:
        raise ApiUnavailable("the gene API did not answer in time") from None
    except httpx.TransportError:
        raise ApiUnavailable("the gene API cannot be reached") from None
    if answer.status_code >= 500:
        answer.close()
        raise ApiUnavailable(f"the gene API answered {answer.status_code}")
    if answer.status_code == 401 and user:
        # The token is the frontend's own: refused, it says the two keys (or clocks) differ,
        # which the user cannot mend. The operators are told; the user gets a 503, not a 401.
        answer.close()
        log.error("the jobs API refused a token the frontend minted: %s", _detail(answer))
        raise ApiUnavailable("the jobs service did not accept the credentials of this site")
    if answer.status_code >= 400 and answer.status_code != 404:
        if stream:
            answer.read()
        raise ApiRefused(answer.status_code, _detail(answer))
    return answer


def _detail(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("detail") or answer.reason_phrase)
    except ValueError:
        return answer.reason_phrase


def stats() -> dict:
    return get("/stats").json()


def genes(
    search: str = "",
    gene_type: str = "",
    strand: str = "",
    sort: str = "",
    page: int = 1,
    page_size: int = 25,
) -> dict:
    query = {"search": search, "gene_type": gene_type, "strand": strand, "sort": sort}
    return get("/genes", {**query, "page": page, "page_size": page_size}).json()


def all_genes() -> list[dict]:
    """Every gene, from the API's TSV export (one request), numbers as ints."""
    text = get("/genes", {"format": "tsv"}, accept="text/tab-separated-values").text
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    for row in rows:
        for field in ("gene_start", "gene_end", "strand", "length"):
            row[field] = int(row[field])
    return rows


def segment(value: str) -> str:
    """`value` as one path segment of an API URL, naming that item alone. Every reserved
    character is percent-encoded, and so are the dots of a segment of dots: httpx, as RFC 3986
    5.2.4 says, would otherwise remove `.` and `..` with the segment before them (`/jobs/.` is
    `/jobs/`, the list of jobs). A '/' cannot travel: the API's server decodes %2F before it
    routes, so a value holding one (no gene id, job id or region does) is refused here."""
    if "/" in value:
        raise ApiRefused(400, f"{value[:64]!r} holds a '/', which no gene id, job id or region has")
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if set(value) == {"."} else encoded


def _item(answer: httpx.Response, what: str) -> dict | None:
    """One item's document; None when the API has no such item. Any other answer (a redirect)
    is no answer about that item: refused, never read as one."""
    if answer.status_code == 404:
        return None
    if answer.status_code != 200:
        raise ApiRefused(400, f"{what[:64]!r} names no single item")
    return answer.json()


def gene(gene_id: str) -> dict | None:
    return _item(get(f"/genes/{segment(gene_id)}"), gene_id)


def nearest(position: int, k: int) -> list[dict]:
    return get("/genes/nearest", {"position": f"21:{position}", "k": k}).json()["items"]


def region(text: str, page: int = 1, page_size: int = 200) -> dict:
    answer = get(f"/regions/{segment(text)}/genes", {"page": page, "page_size": page_size})
    if answer.status_code == 404:  # the route itself: never a region's answer
        raise ApiRefused(400, f"{text[:64]!r} is not a region")
    return answer.json()


def region_export(text: str, fmt: str) -> httpx.Response:
    """The region's genes as TSV or BED, streamed (close it)."""
    accept = {"tsv": "text/tab-separated-values", "bed": "text/x-bed"}[fmt]
    answer = call(
        "GET", f"/regions/{segment(text)}/genes", params={"format": fmt}, accept=accept, stream=True
    )
    if answer.status_code == 404:  # the route itself: never a region's answer
        answer.close()
        raise ApiRefused(400, f"{text[:64]!r} is not a region")
    return answer


# The jobs API, as the signed-in user.


def jobs(user: str, page: int = 1, page_size: int = 20) -> dict:
    return get("/jobs", {"page": page, "page_size": page_size}, user=user).json()


def job(user: str, job_id: str) -> dict | None:
    return _item(get(f"/jobs/{segment(job_id)}", user=user), job_id)


def delete_job(user: str, job_id: str) -> bool:
    """DELETE /jobs/{id}: the job cancelled if it runs, and gone with its files; False when the
    user has no such job."""
    answer = call("DELETE", f"/jobs/{segment(job_id)}", user=user)
    if answer.status_code == 404:
        return False
    if answer.status_code != 204:
        raise ApiRefused(400, f"{job_id[:64]!r} names no single job")
    return True


def submit(user: str, name: str, content) -> dict:
    """POST /jobs with the file's content (a file object, streamed)."""
    return call("POST", "/jobs", user=user, files={"file": (name, content)}).json()


def job_file(user: str, job_id: str, path: str, params: dict | None = None) -> httpx.Response | None:
    """A job's result or picture, streamed (close it), or a redirect to where it is stored."""
    answer = call(
        "GET", f"/jobs/{segment(job_id)}/{path}", params=params, accept="*/*", user=user, stream=True
    )
    if answer.status_code == 404:
        answer.close()
        return None
    return answer


def stored_file(url: str) -> httpx.Response:
    """A file where a presigned URL points (S3), streamed (close it)."""
    try:
        answer = client().send(client().build_request("GET", url), stream=True)
    except httpx.HTTPError:
        raise ApiUnavailable("the results storage cannot be reached") from None
    if answer.status_code != 200:
        answer.close()
        raise ApiUnavailable(f"the results storage answered {answer.status_code}")
    return answer
