"""Tables the API owns. Alembic migrations (gene_api/migrations) create them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Rows of jobs queued or running: a partial index's condition, the same on both databases.
IN_FLIGHT_ROWS = text("status IN ('queued', 'running')")


class Base(DeclarativeBase):
    pass


class Gene(Base):
    __tablename__ = "genes"

    gene_stable_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    gene_name: Mapped[str | None] = mapped_column(String(64))
    gene_description: Mapped[str | None] = mapped_column(Text)
    chromosome: Mapped[str] = mapped_column(String(16))
    gene_start: Mapped[int] = mapped_column(Integer)
    gene_end: Mapped[int] = mapped_column(Integer)
    strand: Mapped[int] = mapped_column(SmallInteger)
    gene_type: Mapped[str] = mapped_column(String(64))
    # Derived at load time: HGNC id parsed from the description, and end - start + 1.
    hgnc_id: Mapped[str | None] = mapped_column(String(16))
    length: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("gene_start >= 1 AND gene_start <= gene_end", name="ck_genes_interval"),
        CheckConstraint("strand IN (1, -1)", name="ck_genes_strand"),
        # Listing and region overlap walk genes by start; overlap also bounds by end.
        Index("ix_genes_chromosome_start", "chromosome", "gene_start"),
        Index("ix_genes_chromosome_end", "chromosome", "gene_end"),
        # Lookup by name is case-insensitive.
        Index("ix_genes_name_lower", func.lower(gene_name)),
        Index("ix_genes_gene_type", "gene_type"),
    )


class Dataset(Base):
    """One row: which data file the genes table was loaded from."""

    __tablename__ = "dataset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    gene_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# A job's states, in order; the runners move a job forward only (jobs/state.py).
JOB_STATUSES = ("queued", "running", "succeeded", "failed")


class Job(Base):
    """An annotation job: the API creates it, whichever runner runs it writes its progress."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The token's subject: jobs are visible to their owner only.
    owner: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # The uploaded file's name as the user gave it, for display only (storage keys derive from id).
    input_name: Mapped[str] = mapped_column(String(255))
    input_format: Mapped[str] = mapped_column(String(8))
    input_bytes: Mapped[int] = mapped_column(BigInteger)
    # What the job's result files take in storage, once it succeeded (the account's quota).
    result_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # When retention removed its upload (the job and its results stay longer).
    upload_removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    # Times a runner started it: a job whose runner keeps dying is failed, not retried forever.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When a message for it was last sent to its runner (jobs/recovery.py sends it again when it
    # stays queued too long), and when the process running it last said it was alive.
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    error_line: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="ck_jobs_status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="ck_jobs_progress"),
        # GET /jobs: one owner's jobs, newest first.
        Index("ix_jobs_owner_created", "owner", "created_at"),
        # `gene-api jobs recover`, every minute: the jobs in flight only, however many finished.
        Index(
            "ix_jobs_in_flight",
            "status",
            "created_at",
            postgresql_where=IN_FLIGHT_ROWS,
            sqlite_where=IN_FLIGHT_ROWS,
        ),
    )
