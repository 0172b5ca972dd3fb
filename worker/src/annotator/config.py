"""The worker's settings: those every process shares (chr21_common.settings: database, storage,
broker), plus what bounds one job. Environment variables, as for the API."""

from functools import lru_cache

from pydantic import Field

from chr21_common.settings import SharedSettings


class WorkerSettings(SharedSettings):
    # A job's results may be at most this many times its upload's size, or RESULT_BYTES_FLOOR
    # when that is more: past it the job fails saying so (a few intervals spanning the
    # chromosome would otherwise write gigabytes).
    result_bytes_per_input_byte: int = Field(default=100, ge=1, le=100_000)
    result_bytes_floor: int = Field(default=256 * 1024**2, ge=1024**2, le=64 * 1024**3)
    # A job's process (job_process.py) stops at the soft limit, failing the job with that
    # reason; at the hard limit its worker kills it and fails the job.
    job_soft_time_limit_seconds: int = Field(default=3600, ge=1, le=86400)
    job_time_limit_seconds: int = Field(default=3660, ge=2, le=90000)
    # A job's process holding more memory than this (resident) is killed, its job failed saying
    # so (job_process.py). The pod's memory limit is the hard bound for all of its jobs at once.
    worker_max_memory_mb: int = Field(default=1024, ge=64, le=65536)
    # Jobs one worker runs at once (a process each); the cluster scales by pods instead.
    worker_concurrency: int = Field(default=1, ge=1, le=32)
    # Transient storage or database errors: retried this many times, with exponential backoff.
    job_retries: int = Field(default=5, ge=0, le=20)
    # Prometheus metrics of the worker, served by its main process (metrics.py). 0.0.0.0 in the pod.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(default=9002, ge=1, le=65535)
    # Where a job's input and results are staged while it runs.
    work_folder: str = Field(default="", description="empty: the system's temporary folder")


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
