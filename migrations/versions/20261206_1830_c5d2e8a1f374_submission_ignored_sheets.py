"""submissions: the sheets a workbook held that were not read (`ignored_sheets`)

Revision ID: c5d2e8a1f374
Revises: b4e81c0d9a27
Create Date: 2026-12-06 18:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d2e8a1f374"
down_revision = "b4e81c0d9a27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        # Earlier submissions listed nothing as ignored; the default fills them in.
        batch_op.add_column(
            sa.Column("ignored_sheets", sa.Text(), nullable=False, server_default="[]")
        )


def downgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("ignored_sheets")
