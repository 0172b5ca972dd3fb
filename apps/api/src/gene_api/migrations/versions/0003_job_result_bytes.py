"""jobs.result_bytes (what a job's results take, for the account's storage quota) and
jobs.upload_removed_at (when retention removed its upload)

Additive: the previous release's image never reads it, so it still runs on this schema.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("result_bytes", sa.BigInteger()))
    op.add_column("jobs", sa.Column("upload_removed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("result_bytes")
        batch.drop_column("upload_removed_at")
