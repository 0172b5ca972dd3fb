"""The jobs API: upload a file of intervals, follow the job, fetch its results.

Every endpoint needs a bearer token (core/security.py); a user sees only their own jobs:
another user's job answers 404, as a job that does not exist does.
"""

import logging
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from chr21_common.jobs.queue import DispatchError
from chr21_common.jobs.services import JobServices
from chr21_common.jobs.state import (
    PLOT_FILE,
    RESULT_FILES,
    TooManyInFlight,
    new_job_id,
    result_key,
    upload_key,
)
from chr21_common.jobs.storage import NotStored, StorageUnavailable
from chr21_common.logs import request_id_var
from chr21_common.models import Job
from gene_api.core import metrics
from gene_api.core.routing import ApiRoute, UploadRoute
from gene_api.core.security import UserDep
from gene_api.jobs.uploads import FILE_FIELD, receive_upload
from gene_api.schemas import JobError, JobLinks, JobOut, JobPage, Problem

RESULT_MEDIA_TYPES = {"tsv": "text/tab-separated-values", "bed": "text/x-bed", "json": "application/json"}
SVG = "image/svg+xml"

log = logging.getLogger(__name__)
router = APIRouter(tags=["jobs"], route_class=ApiRoute)
upload_router = APIRouter(tags=["jobs"], route_class=UploadRoute)

AUTH = {
    401: {"model": Problem, "description": "No bearer token, or one that is not valid"},
    503: {"model": Problem, "description": "The jobs API is off, or its storage or queue is unreachable"},
}
NOT_FOUND = {404: {"model": Problem, "description": "No such job among the caller's own"}, **AUTH}
JobId = Annotated[str, Path(max_length=64, description="the id POST /jobs answered")]
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {FILE_FIELD: {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


class ResultFormat(StrEnum):
    tsv = "tsv"
    bed = "bed"
    json = "json"


def services(request: Request) -> JobServices:
    return request.app.state.job_services


def job_out(job: Job) -> JobOut:
    path = f"/jobs/{job.id}"
    return JobOut(
        id=job.id,
        status=job.status,
        progress=job.progress,
        input_name=job.input_name,
        input_format=job.input_format,
        input_bytes=job.input_bytes,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        attempts=job.attempts,
        summary=job.summary,
        error=JobError(message=job.error, line=job.error_line) if job.error else None,
        links=JobLinks(self=path, result=f"{path}/result", plot=f"{path}/plot"),
    )


def unavailable(detail: str) -> HTTPException:
    return HTTPException(status_code=503, detail=detail, headers={"Retry-After": "30"})


def too_many_in_flight(limit: int) -> HTTPException:
    return HTTPException(
        status_code=429,
        detail=f"you have {limit} jobs queued or running, the most at once; "
        "wait for one to finish or delete one",
        headers={"Retry-After": "60"},
    )


def storage_full(stored: int, incoming: int, limit: int) -> HTTPException:
    with_file = f" and this file's {incoming:,}" if incoming else ""
    return HTTPException(
        status_code=409,
        detail=f"your jobs keep {stored:,} bytes{with_file}, past the {limit:,} an account may keep; "
        "delete jobs you no longer need",
    )


@upload_router.post(
    "/jobs",
    status_code=202,
    response_model=JobOut,
    openapi_extra=UPLOAD_BODY,
    responses={
        400: {"model": Problem, "description": "The form is malformed or has no file"},
        409: {
            "model": Problem,
            "description": "The caller's jobs keep MAX_STORED_BYTES already, or would with this file",
        },
        413: {"model": Problem, "description": "The file is larger than MAX_UPLOAD_BYTES"},
        415: {
            "model": Problem,
            "description": "Not multipart/form-data, or the file is not BED, VCF or a gene list",
        },
        429: {"model": Problem, "description": "The caller has MAX_JOBS_IN_FLIGHT jobs queued or running"},
        **AUTH,
    },
)
async def submit_job(request: Request, user: UserDep) -> Response:
    """Upload a BED, VCF or gene-list file (plain or gzip) as the form field `file`; the job
    starts at once. Follow it at `links.self`. An account has at most MAX_JOBS_IN_FLIGHT jobs
    queued or running, and its jobs keep at most MAX_STORED_BYTES; delete jobs to make room."""
    jobs = services(request)
    settings = jobs.settings
    # Refused before the body is read when the account is at a limit already.
    if await run_in_threadpool(jobs.jobs.in_flight, user) >= settings.max_jobs_in_flight:
        raise too_many_in_flight(settings.max_jobs_in_flight)
    stored = await run_in_threadpool(jobs.jobs.stored_bytes, user)
    if stored >= settings.max_stored_bytes:
        raise storage_full(stored, 0, settings.max_stored_bytes)
    try:
        staging = await run_in_threadpool(jobs.uploads.staging_folder)
    except OSError as error:
        raise unavailable(f"the uploads storage is unusable: {error.strerror}") from None
    upload = await receive_upload(
        request.headers.get("content-type", ""), request.stream(), staging, settings.max_upload_bytes
    )
    stored = await run_in_threadpool(jobs.jobs.stored_bytes, user)
    if stored + upload.size > settings.max_stored_bytes:
        upload.path.unlink(missing_ok=True)
        raise storage_full(stored, upload.size, settings.max_stored_bytes)
    job_id = new_job_id()
    try:
        job = await run_in_threadpool(
            jobs.jobs.create,
            job_id,
            user,
            upload.name,
            upload.format.value,
            upload.size,
            settings.max_jobs_in_flight,
        )
    except TooManyInFlight:
        upload.path.unlink(missing_ok=True)
        raise too_many_in_flight(settings.max_jobs_in_flight) from None
    try:
        await run_in_threadpool(jobs.uploads.put_file, upload_key(job_id), upload.path, True)
    except (StorageUnavailable, OSError) as error:
        upload.path.unlink(missing_ok=True)
        await run_in_threadpool(jobs.jobs.delete, job_id, user)
        raise unavailable(f"the upload could not be stored, try again: {error}") from None
    try:
        await run_in_threadpool(jobs.dispatcher.start, job_id, request_id_var.get())
    except DispatchError as error:
        metrics.JOBS_SUBMITTED.labels("not_started").inc()
        await run_in_threadpool(jobs.jobs.fail, job_id, f"{error}; the upload is kept, submit it again")
        raise unavailable(f"job {job_id} could not be started: {error}") from None
    metrics.JOBS_SUBMITTED.labels("started").inc()
    return JSONResponse(
        job_out(job).model_dump(mode="json"), status_code=202, headers={"Location": f"/jobs/{job_id}"}
    )


@router.get("/jobs", response_model=JobPage, responses=AUTH)
def list_jobs(
    request: Request,
    user: UserDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> JobPage:
    """The caller's jobs, newest first."""
    total, found = services(request).jobs.page(user, page, page_size)
    return JobPage(total=total, page=page, page_size=page_size, items=[job_out(job) for job in found])


def owned_job(request: Request, user: str, job_id: str) -> Job:
    job = services(request).jobs.get(job_id, owner=user)
    if job is None:
        raise HTTPException(status_code=404, detail=f"you have no job {job_id[:64]!r}")
    return job


@router.delete("/jobs/{job_id}", status_code=204, response_class=Response, responses=NOT_FOUND)
def delete_job(request: Request, user: UserDep, job_id: JobId) -> Response:
    """Delete the job and its files: a queued job never starts, a running one stops at its
    next step and what it wrote is removed. Another user's job is 404, as a missing one."""
    jobs = services(request)
    owned_job(request, user, job_id)
    if not jobs.jobs.delete(job_id, user):
        raise HTTPException(status_code=404, detail=f"you have no job {job_id[:64]!r}")
    try:
        jobs.uploads.delete_prefix(job_id)
        jobs.results.delete_prefix(job_id)
    except StorageUnavailable as error:
        # The record is gone (no one can reach the files); what is left goes with retention.
        log.warning("job %s deleted, its files not yet: %s", job_id, error)
    return Response(status_code=204)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=NOT_FOUND)
def get_job(request: Request, user: UserDep, job_id: JobId) -> JobOut:
    """Status, progress, timestamps, the summary once succeeded, the error (with the offending
    line) once failed."""
    return job_out(owned_job(request, user, job_id))


def finished_file(request: Request, user: str, job_id: str, file_name: str, media_type: str) -> Response:
    job = owned_job(request, user, job_id)
    if job.status != "succeeded":
        raise HTTPException(
            status_code=409,
            detail=f"job {job.id} is {job.status}"
            + ("" if job.status == "failed" else "; results come once it succeeded"),
        )
    storage = services(request).results
    key = result_key(job.id, file_name)
    download_name = f"{job.id}-{file_name}"
    url = storage.presigned_url(key, download_name, media_type, services(request).settings.result_url_seconds)
    if url is not None:
        return RedirectResponse(url, status_code=307)
    try:
        chunks = storage.read(key)
    except NotStored:
        raise unavailable(f"the results of job {job.id} are missing from storage") from None
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{download_name}"'},
    )


RESULT_RESPONSES = {
    200: {
        "description": "The annotation: one row per (record, gene) overlapping it, or nearest to it",
        "content": {
            media_type: {} for media_type in RESULT_MEDIA_TYPES.values() if media_type != "application/json"
        },
    },
    307: {"description": "Where to download it (a short-lived presigned S3 URL)"},
    409: {"model": Problem, "description": "The job has not succeeded (yet)"},
    **NOT_FOUND,
}


@router.get("/jobs/{job_id}/result", responses=RESULT_RESPONSES, response_class=Response)
def job_result(
    request: Request,
    user: UserDep,
    job_id: JobId,
    result_format: Annotated[ResultFormat, Query(alias="format")] = ResultFormat.tsv,
) -> Response:
    """The annotation as TSV (default), BED or JSON."""
    fmt = result_format.value
    return finished_file(request, user, job_id, RESULT_FILES[fmt], RESULT_MEDIA_TYPES[fmt])


@router.get(
    "/jobs/{job_id}/plot",
    responses={
        200: {"description": "An SVG picture", "content": {SVG: {}}},
        307: RESULT_RESPONSES[307],
        409: RESULT_RESPONSES[409],
        **NOT_FOUND,
    },
    response_class=Response,
)
def job_plot(request: Request, user: UserDep, job_id: JobId) -> Response:
    """An SVG of the records along chromosome 21: those overlapping a gene, those only near one."""
    return finished_file(request, user, job_id, PLOT_FILE, SVG)
