"""The settings every process of the platform shares (the gene API, the worker): the database,
the storage of uploads and results, the broker and how a job reaches its runner. Read only from
environment variables: each field's name, upper-cased, is the variable (DATABASE_URL, ...).

Each process's settings subclass these and add their own (gene_api.core.config,
annotator.config); the charts' contract tests check that a chart sets only names its process
reads."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SharedSettings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    # SQLite file by default (the embedded default); postgresql+psycopg://... in production.
    database_url: str = "sqlite:///.local/gene-api.sqlite3"
    # Connections each process keeps open to PostgreSQL.
    db_pool_size: int = Field(default=5, ge=1, le=100)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Where uploads and results are kept: a folder (the embedded default) or s3://bucket[/prefix].
    uploads_location: str = ".local/uploads"
    results_location: str = ".local/results"
    # Where an upload to S3 waits until it is whole (empty: the system's temporary folder); a
    # folder storage stages inside its own folder instead.
    upload_staging_folder: str = ""

    # Who runs a job: the Celery worker (in the cluster, and `make run`) or an AWS Step Functions
    # execution that runs the worker image as an AWS Batch job.
    pipeline_backend: Literal["celery", "stepfunctions"] = "celery"
    # Celery's broker: filesystem:// (no server: `make run`), redis://, amqp:// or sqs://.
    broker_url: str = "filesystem://"
    # The queue jobs are sent to (on SQS, the queue's name); the worker's KEDA trigger watches it.
    job_queue: str = Field(default="annotate", pattern=r"^[A-Za-z0-9_-]{1,80}$")
    # With broker_url sqs:// (AWS): the queue's URL (terraform-bootstrap creates the queue; the
    # cluster secret hands its URL over). Credentials come from the pod's IAM role (IRSA).
    sqs_queue_url: str | None = None
    # The filesystem broker's folder (only with broker_url filesystem://).
    broker_folder: str = ".local/broker"
    # With pipeline_backend stepfunctions: the state machine that runs a job.
    state_machine_arn: str | None = None

    # No job lost or stuck (gene_api/jobs/recovery.py): a running job's process marks it alive
    # every JOB_HEARTBEAT_SECONDS; one silent for JOB_STALE_AFTER_SECONDS has lost its runner and
    # is sent again by `gene-api jobs recover`. A second message for a job is harmless:
    # `JobStore.start` starts it only when no live run has it, never after it finished; a run
    # given up on records nothing.
    job_heartbeat_seconds: int = Field(default=10, ge=1, le=300)
    job_stale_after_seconds: int = Field(default=60, ge=2, le=3600)
