"""jobs.dispatched_at (when a message for the job was last sent), jobs.heartbeat_at (when
the process running it last said it was alive) and an index of the jobs in flight: what
`gene-api jobs recover` reads

Additive: the previous release's image never reads them, so it still runs on this schema.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("dispatched_at", sa.DateTime(timezone=True)))
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True)))
    where = sa.text("status IN ('queued', 'running')")
    op.create_index(
        "ix_jobs_in_flight", "jobs", ["status", "created_at"], postgresql_where=where, sqlite_where=where
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_in_flight", "jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("dispatched_at")
        batch.drop_column("heartbeat_at")
