"""login slowdowns per (account, client address) in login_throttles, not on users

Revision ID: af01f17a1c9f
Revises: 663113ee2a9a
Create Date: 2026-12-06 17:50:00

"""

import sqlalchemy as sa
from alembic import op

import sib.dbtypes

# revision identifiers, used by Alembic.
revision = "af01f17a1c9f"
down_revision = "663113ee2a9a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_sha256", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sib.dbtypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_failed_at", sib.dbtypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint(
            "account_sha256", "client", name=op.f("uq_login_throttles_account_sha256_client")
        ),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failed_at"), ["last_failed_at"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", sib.dbtypes.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failed_at"))
    op.drop_table("login_throttles")
