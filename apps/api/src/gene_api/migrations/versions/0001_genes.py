"""genes and dataset tables

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "genes",
        sa.Column("gene_stable_id", sa.String(32), primary_key=True),
        sa.Column("gene_name", sa.String(64)),
        sa.Column("gene_description", sa.Text()),
        sa.Column("chromosome", sa.String(16), nullable=False),
        sa.Column("gene_start", sa.Integer(), nullable=False),
        sa.Column("gene_end", sa.Integer(), nullable=False),
        sa.Column("strand", sa.SmallInteger(), nullable=False),
        sa.Column("gene_type", sa.String(64), nullable=False),
        sa.Column("hgnc_id", sa.String(16)),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.CheckConstraint("gene_start >= 1 AND gene_start <= gene_end", name="ck_genes_interval"),
        sa.CheckConstraint("strand IN (1, -1)", name="ck_genes_strand"),
    )
    op.create_index("ix_genes_chromosome_start", "genes", ["chromosome", "gene_start"])
    op.create_index("ix_genes_chromosome_end", "genes", ["chromosome", "gene_end"])
    op.create_index("ix_genes_name_lower", "genes", [sa.text("lower(gene_name)")])
    op.create_index("ix_genes_gene_type", "genes", ["gene_type"])
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("gene_count", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dataset")
    op.drop_table("genes")
