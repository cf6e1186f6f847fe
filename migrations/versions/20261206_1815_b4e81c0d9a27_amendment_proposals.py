"""amendment proposals: a party proposes new terms, each affected party accepts or rejects

Revision ID: b4e81c0d9a27
Revises: 54cdb3f2a709
Create Date: 2026-12-06 18:15:00

"""

import sqlalchemy as sa
from alembic import op

import sib.dbtypes

# revision identifiers, used by Alembic.
revision = "b4e81c0d9a27"
down_revision = "54cdb3f2a709"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "amendment_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_by_organisation_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sib.dbtypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sib.dbtypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'in_force', 'rejected')",
            name=op.f("ck_amendment_proposals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_amendment_proposals_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_amendment_proposals_proposed_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["contract_versions.id"],
            name=op.f("fk_amendment_proposals_version_id_contract_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_proposals")),
    )
    with op.batch_alter_table("amendment_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_proposals_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "amendment_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("affected_as", sa.String(length=100), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("answered_at", sib.dbtypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "answer IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_amendment_answers_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_amendment_answers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["amendment_proposals.id"],
            name=op.f("fk_amendment_answers_proposal_id_amendment_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_answers")),
        sa.UniqueConstraint(
            "proposal_id",
            "organisation_id",
            name=op.f("uq_amendment_answers_proposal_id_organisation_id"),
        ),
    )
    with op.batch_alter_table("amendment_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_answers_proposal_id"), ["proposal_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("amendment_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_answers_proposal_id"))
    op.drop_table("amendment_answers")
    with op.batch_alter_table("amendment_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_proposals_contract_id"))
    op.drop_table("amendment_proposals")
