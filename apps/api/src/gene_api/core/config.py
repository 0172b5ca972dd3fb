"""Settings of the gene API, read only from environment variables: those every process shares
(chr21_common.settings: database, storage, broker) and the API's own.

Each field's name, upper-cased, is the environment variable that sets it
(DATABASE_URL, API_PORT, ...). The Helm chart's contract test checks that the
chart sets only these names.
"""

from functools import lru_cache

from pydantic import Field, SecretStr

from chr21_common.settings import SharedSettings


class Settings(SharedSettings):
    # Where the server listens. The container sets API_HOST=0.0.0.0.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8001, ge=1, le=65535)
    # Gunicorn worker processes (the name gunicorn and uvicorn use for it).
    web_concurrency: int = Field(default=2, ge=1, le=64)
    # Seconds a worker gets to finish in-flight requests after SIGTERM; keep below the
    # pod's terminationGracePeriodSeconds.
    graceful_timeout: int = Field(default=20, ge=1, le=600)
    # How often each worker checks whether `gene-api db seed` loaded new data.
    catalogue_refresh_seconds: float = Field(default=30.0, gt=0, le=3600)

    # Limits that bound what one client can make the server hold (server.py, core/routing.py).
    # Largest body POST /genes/batch accepts: 1,000 names of up to 64 characters are ~67 KB of
    # JSON; 256 KiB leaves room for escapes and whitespace.
    batch_body_limit_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)
    # From a request's first byte (or the connection's start) to the end of its headers.
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # From the end of the headers to the end of the body; pushed on while the body keeps
    # arriving at min_body_bytes_per_second or more on average (a large upload).
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    min_body_bytes_per_second: int = Field(default=64 * 1024, ge=1024, le=1024**3)
    # An idle keep-alive connection is closed after this; above the ALB's 60 s idle timeout,
    # so the ALB, not the app, closes its pooled connections (no 502 on a race).
    keepalive_seconds: int = Field(default=75, ge=1, le=3600)
    # Open connections one worker holds; one more is answered 503 and closed.
    max_connections_per_worker: int = Field(default=1000, ge=1, le=100_000)

    # Prometheus metrics are served here by the gunicorn master, not on API_PORT, so the
    # public Ingress (which routes API_PORT) never reaches them.
    metrics_port: int = Field(default=9001, ge=1, le=65535)
    # Cache-Control max-age of catalogue answers (they also carry an ETag).
    cache_max_age_seconds: int = Field(default=60, ge=0, le=86400)

    # The jobs API (gene_api/jobs, api/routes/jobs.py). Bearer tokens are HS256 JWTs signed
    # with this key; the Django frontend mints them with the same key. Unset, the jobs API
    # answers 503 (the gene endpoints need no token).
    token_signing_key: SecretStr | None = None
    # Largest file POST /jobs takes.
    max_upload_bytes: int = Field(default=2 * 1024**3, ge=1024, le=64 * 1024**3)
    # What one account may cost: jobs queued or running at once (POST /jobs answers 429 past
    # it), and bytes kept (its uploads and results; 409 past it, until it deletes jobs).
    max_jobs_in_flight: int = Field(default=4, ge=1, le=1_000_000)
    max_stored_bytes: int = Field(default=20 * 1024**3, ge=1024**2, le=100 * 1024**4)
    # Retention, as the buckets' lifecycle rules keep objects (terraform-bootstrap/s3.tf): a
    # finished job's upload is removed after UPLOAD_RETENTION_DAYS, the job with its results
    # after RESULT_RETENTION_DAYS (`gene-api jobs expire`: the chart's CronJob, `make run`).
    upload_retention_days: int = Field(default=365, ge=1, le=36500)
    result_retention_days: int = Field(default=1825, ge=1, le=36500)
    # `gene-api jobs recover` (the chart's CronJob, `make run`) also sends again a job queued
    # for this long (its message lost, say, with the filesystem broker's worker killed).
    job_redispatch_after_seconds: int = Field(default=900, ge=2, le=86400)
    # How long a presigned S3 result URL stays valid.
    result_url_seconds: int = Field(default=300, ge=10, le=3600)


@lru_cache
def get_settings() -> Settings:
    return Settings()
