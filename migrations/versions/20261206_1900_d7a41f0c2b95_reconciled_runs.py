"""reconciled runs: obligations by kind, yearly-cap and guarantee lines, settlements, forecasts

Revision ID: d7a41f0c2b95
Revises: c5d2e8a1f374
Create Date: 2026-12-06 19:00:00

"""

import sqlalchemy as sa
from alembic import op

import sib.dbtypes

# revision identifiers, used by Alembic.
revision = "d7a41f0c2b95"
down_revision = "c5d2e8a1f374"
branch_labels = None
depends_on = None

LINE_KINDS = ("payment", "adjustment", "held_back", "carried", "deficit_carried",
              "deficit_netted", "guarantee")  # fmt: skip


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    with op.batch_alter_table("payment_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provider_amount", sib.dbtypes.ExactDecimal(28, 6),
                      nullable=False, server_default="0")
        )  # fmt: skip
    with op.batch_alter_table("run_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("investor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_run_lines_organisation_id_organisations"),
            "organisations", ["organisation_id"], ["id"],
        )  # fmt: skip
        batch_op.create_foreign_key(
            batch_op.f("fk_run_lines_investor_id_organisations"),
            "organisations", ["investor_id"], ["id"],
        )  # fmt: skip
        batch_op.drop_constraint(op.f("ck_run_lines_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_run_lines_kind"), f"kind IN ({_in(LINE_KINDS)})")
    with op.batch_alter_table("run_payers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="outcomes")
        )
        batch_op.drop_constraint(op.f("uq_run_payers_run_id_organisation_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_run_payers_run_id_organisation_id_kind"),
            ["run_id", "organisation_id", "kind"],
        )
        batch_op.create_check_constraint(
            op.f("ck_run_payers_kind"), "kind IN ('outcomes', 'guarantee')"
        )
    with op.batch_alter_table("run_investors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("guarantee", sib.dbtypes.ExactDecimal(28, 6),
                      nullable=False, server_default="0")
        )  # fmt: skip
    op.create_table(
        "run_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("amount", sib.dbtypes.ExactDecimal(28, 6), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sib.dbtypes.UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('payment', 'reversal')", name=op.f("ck_run_settlements_kind")),
        sa.ForeignKeyConstraint(["obligation_id"], ["run_payers.id"],
                                name=op.f("fk_run_settlements_obligation_id_run_payers")),
        sa.ForeignKeyConstraint(["reverses_id"], ["run_settlements.id"],
                                name=op.f("fk_run_settlements_reverses_id_run_settlements")),
        sa.ForeignKeyConstraint(["run_id"], ["payment_runs.id"],
                                name=op.f("fk_run_settlements_run_id_payment_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_settlements")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_run_settlements_reverses_id")),
    )  # fmt: skip
    with op.batch_alter_table("run_settlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_settlements_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_run_settlements_obligation_id"), ["obligation_id"], unique=False
        )
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_label", sa.String(length=80), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("input_document", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sib.dbtypes.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_forecasts_contract_id_contracts")),
        sa.ForeignKeyConstraint(["version_id"], ["contract_versions.id"],
                                name=op.f("fk_forecasts_version_id_contract_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
    )  # fmt: skip
    with op.batch_alter_table("forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecasts_contract_id"), ["contract_id"], unique=False)


def downgrade():
    op.drop_table("forecasts")
    op.drop_table("run_settlements")
    with op.batch_alter_table("run_investors", schema=None) as batch_op:
        batch_op.drop_column("guarantee")
    with op.batch_alter_table("run_payers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_run_payers_kind"), type_="check")
        batch_op.drop_constraint(op.f("uq_run_payers_run_id_organisation_id_kind"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_run_payers_run_id_organisation_id"), ["run_id", "organisation_id"]
        )
        batch_op.drop_column("kind")
    with op.batch_alter_table("run_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_run_lines_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_run_lines_kind"), "kind IN ('payment', 'adjustment')"
        )
        batch_op.drop_constraint(op.f("fk_run_lines_investor_id_organisations"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_run_lines_organisation_id_organisations"), type_="foreignkey")
        batch_op.drop_column("investor_id")
        batch_op.drop_column("organisation_id")
    with op.batch_alter_table("payment_runs", schema=None) as batch_op:
        batch_op.drop_column("provider_amount")
