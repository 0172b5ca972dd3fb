"""The signed-in user's jobs: upload a file, follow the job live, read its results. Every call
goes to the jobs API as the user (tokens.py); another user's job is the API's 404, and ours."""

from itertools import islice

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chr21_web import api
from chr21_web.accounts.models import account_id
from chr21_web.jobs.uploads import too_large_message
from chr21_web.relay import relayed

FORMATS = ("tsv", "bed", "json")
PREVIEW_ROWS = 20
PREVIEW_LINE_CHARS = 2000
FINISHED = ("succeeded", "failed")


def _job_or_404(request: HttpRequest, job_id: str) -> dict:
    found = api.job(account_id(request.user), job_id)
    if found is None:
        raise Http404(f"you have no job {job_id[:64]}")
    return found


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    found = api.jobs(account_id(request.user), page)
    return render(request, "jobs/list.html", {"found": found, "page": page})


@login_required
@require_GET
def job_statuses(request: HttpRequest) -> JsonResponse:
    """The status and progress of the user's newest jobs, for the list's live updates."""
    found = api.jobs(account_id(request.user))
    return JsonResponse(
        {"jobs": [{key: job[key] for key in ("id", "status", "progress")} for job in found["items"]]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "GET":
        return render(request, "jobs/upload.html")
    try:
        file = request.FILES.get("file")
    except OSError:  # the upload stopped (too large) or the connection broke
        file = None
    error, status = None, 400
    if getattr(request, "upload_too_large", False):
        error, status = too_large_message(), 413
    elif file is None:
        error = "choose a file to upload"
    else:
        try:
            job = api.submit(account_id(request.user), file.name, file)
        except api.ApiRefused as refused:
            error, status = refused.detail, refused.status
        else:
            location = f"/jobs/{job['id']}/"
            return JsonResponse({"location": location}, status=201) if wants_json else redirect(location)
    if wants_json:
        return JsonResponse({"detail": error}, status=status)
    return render(request, "jobs/upload.html", {"error": error}, status=status)


@login_required
@require_GET
def job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    preview = _preview(request, job_id) if job["status"] == "succeeded" else None
    return render(
        request,
        "jobs/job.html",
        {"job": job, "preview": preview, "formats": FORMATS, "finished": job["status"] in FINISHED},
    )


@login_required
@require_POST
def job_delete(request: HttpRequest, job_id: str) -> HttpResponse:
    """Cancels a queued or running job, or deletes a finished one; its files go with it."""
    if not api.delete_job(account_id(request.user), job_id):
        raise Http404(f"you have no job {job_id[:64]}")
    return redirect("jobs")


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    job = _job_or_404(request, job_id)
    return JsonResponse({key: job[key] for key in ("id", "status", "progress", "error")})


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: str, fmt: str) -> HttpResponse:
    return _relay(request, job_id, "result", {"format": fmt}, f"{job_id}.{fmt}")


@login_required
@require_GET
def job_plot(request: HttpRequest, job_id: str) -> HttpResponse:
    return _relay(request, job_id, "plot", None, None)


def _relay(
    request: HttpRequest, job_id: str, path: str, params: dict | None, filename: str | None
) -> HttpResponse:
    """The API's file, streamed through; or, stored in S3, a redirect to its presigned URL."""
    try:
        answer = api.job_file(account_id(request.user), job_id, path, params)
    except api.ApiRefused as refused:  # not finished yet
        return HttpResponse(refused.detail + "\n", status=refused.status, content_type="text/plain")
    if answer is None:
        raise Http404(f"you have no job {job_id[:64]}")
    if answer.is_redirect:
        answer.close()
        return HttpResponseRedirect(answer.headers["location"])

    return relayed(answer, filename)


def _preview(request: HttpRequest, job_id: str) -> dict | None:
    """The first rows of the TSV result, read from the start of its stream (from S3 through
    the presigned URL the API redirects to)."""
    answer = api.job_file(account_id(request.user), job_id, "result", {"format": "tsv"})
    if answer is None:
        return None
    if answer.is_redirect:
        answer.close()
        answer = api.stored_file(answer.headers["location"])
    try:
        header, *rows = [
            line[:PREVIEW_LINE_CHARS].split("\t") for line in islice(answer.iter_lines(), PREVIEW_ROWS + 1)
        ]
    finally:
        answer.close()
    # The header names the record's fields as one ("#record"): they are as many as the row has
    # before the annotation's columns.
    annotation = header[1:]
    width = max((len(row) for row in rows), default=len(header))
    fields = [f"field {i}" for i in range(1, width - len(annotation) + 1)]
    return {"header": fields + annotation, "rows": rows}
