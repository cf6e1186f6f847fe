"""audit events get a seal: HMAC-SHA256 of the chain hash under a key kept outside the database

Existing rows keep a NULL seal and still verify on their plain SHA-256 chain, but only
before the first sealed row: an unsealed row after a sealed one is reported as written
without the key. Take a checkpoint (`sib audit checkpoint`) after upgrading to anchor them.

Revision ID: 663113ee2a9a
Revises: 7a3f9c1e5b2d
Create Date: 2026-12-06 17:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "663113ee2a9a"
down_revision = "7a3f9c1e5b2d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("key_id")
        batch_op.drop_column("seal")
