"""audit log append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on audit_events

Revision ID: 7a3f9c1e5b2d
Revises: 2d8f955a8ddf
Create Date: 2026-11-29 04:30:00

"""

from alembic import op

from sib.schema_extras import install_extras, remove_extras

# revision identifiers, used by Alembic.
revision = "7a3f9c1e5b2d"
down_revision = "2d8f955a8ddf"
branch_labels = None
depends_on = None


def upgrade():
    # The same hook the test suite calls after create_all, so both see one schema.
    install_extras(op.get_bind())


def downgrade():
    remove_extras(op.get_bind())
