"""job runs: the slot each run is for (unique per job), and the outcome `abandoned`

Revision ID: 54cdb3f2a709
Revises: af01f17a1c9f
Create Date: 2026-12-06 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import sib.dbtypes

# revision identifiers, used by Alembic.
revision = "54cdb3f2a709"
down_revision = "af01f17a1c9f"
branch_labels = None
depends_on = None

OLD = "outcome IN ('running', 'ok', 'error')"
NEW = "outcome IN ('running', 'ok', 'error', 'abandoned')"


def upgrade():
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slot", sib.dbtypes.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(batch_op.f("uq_job_runs_job_slot"), ["job", "slot"])
        batch_op.drop_constraint(batch_op.f("ck_job_runs_outcome"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_job_runs_outcome"), sa.text(NEW))


def downgrade():
    op.execute("UPDATE job_runs SET outcome = 'error' WHERE outcome = 'abandoned'")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_job_runs_outcome"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_job_runs_outcome"), sa.text(OLD))
        batch_op.drop_constraint(batch_op.f("uq_job_runs_job_slot"), type_="unique")
        batch_op.drop_column("slot")
