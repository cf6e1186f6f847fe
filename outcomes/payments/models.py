"""Database models of what is owed: drawdowns, payment runs, their lines, payers and investors."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from contracts.models import Contract, ContractVersion, Organisation
from sib.dbtypes import Money, UtcDateTime
from sib.extensions import db

RUN_STATUSES = ("draft", "approved", "settled", "superseded")
#: a term's amount (`payment`) or its change (`adjustment`); a yearly cap moving a payer's money
#: out of a period (`held_back`) or into it (`carried`); a payer's negative total carried
#: forward (`deficit_carried`) or netted later (`deficit_netted`); a guarantor's payment
LINE_KINDS = (
    "payment", "adjustment", "held_back", "carried", "deficit_carried", "deficit_netted",
    "guarantee",
)  # fmt: skip
#: what an organisation owes in a run: its share of outcome payments, or a guarantee
OBLIGATION_KINDS = ("outcomes", "guarantee")
SETTLEMENT_KINDS = ("payment", "reversal")


class Drawdown(db.Model):
    """An investor's capital call: money paid in on a date."""

    __tablename__ = "drawdowns"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    drawn_on: Mapped[date] = mapped_column(Date)
    #: capital drawn, in the contract currency
    amount: Mapped[Decimal] = mapped_column(Money())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    investor: Mapped[Organisation] = relationship()

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class Settled:
    """What the engine settled through a period: the terms version, its input and its answer.

    Shared by payment runs and forecasts, which differ in what they may become.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    period_label: Mapped[str] = mapped_column(String(80))
    #: the terms version the engine ran on
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"))
    #: the engine's input document exactly as settled (JSON text, sorted keys)
    input_document: Mapped[str] = mapped_column(Text)
    #: SHA-256 of terms and input (TERMS.md); the same inputs give the same answer
    digest: Mapped[str] = mapped_column(String(64))
    #: the engine's answer (JSON text, sorted keys)
    answer: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @declared_attr
    def contract(cls) -> Mapped[Contract]:
        return relationship(Contract)

    @declared_attr
    def version(cls) -> Mapped[ContractVersion]:
        return relationship(ContractVersion)


class PaymentRun(Settled, db.Model):
    """One settlement of a contract through a period; approved runs never change."""

    __tablename__ = "payment_runs"

    #: what this run owes per period: {period: {"payers": {...}, "investors": {...},
    #: "provider": "..."}}, decimal strings; approved runs summed give the approved position
    allocation: Mapped[str] = mapped_column(Text)
    #: fingerprint of the approved position the run's differences were taken against
    basis: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: when the last obligation was settled (the settlements table holds each entry)
    settled_on: Mapped[date | None] = mapped_column(Date)
    settlement_reference: Mapped[str | None] = mapped_column(String(200))
    settled_by: Mapped[str | None] = mapped_column(String(200))
    #: what went to the provider in this run, in the contract currency
    provider_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))

    lines: Mapped[list["RunLine"]] = relationship(
        cascade="all, delete-orphan", order_by="RunLine.position"
    )
    payers: Mapped[list["RunPayer"]] = relationship(
        cascade="all, delete-orphan", order_by="RunPayer.position"
    )
    investors: Mapped[list["RunInvestor"]] = relationship(
        cascade="all, delete-orphan", order_by="RunInvestor.position"
    )
    settlements: Mapped[list["RunSettlement"]] = relationship(order_by="RunSettlement.id")

    __table_args__ = (
        UniqueConstraint("contract_id", "digest"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in RUN_STATUSES) + ")", name="status"
        ),
    )


class RunLine(db.Model):
    """What one term earned in one period: in full (`payment`) or as a difference (`adjustment`)."""

    __tablename__ = "run_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    period_label: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    term_id: Mapped[str] = mapped_column(String(80))
    #: the term's measure as the engine wrote it (unrounded decimal text), None without a value
    measure: Mapped[str | None] = mapped_column(String(80))
    #: the term's amount, or for an adjustment the new amount minus the approved one
    amount: Mapped[Decimal] = mapped_column(Money())
    explanation: Mapped[str] = mapped_column(Text)
    #: who the line is about: the payer of a yearly-cap line, the guarantor of a guarantee
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: the investor a guarantee line pays
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    investor: Mapped[Organisation | None] = relationship(foreign_keys=[investor_id])

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in LINE_KINDS) + ")", name="kind"),
    )


class RunPayer(db.Model):
    """What one organisation owes in a run (its outcome share, or a guarantee) and its approval."""

    __tablename__ = "run_payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: `outcomes` (an outcome payer's share) or `guarantee` (a guarantor's payments)
    kind: Mapped[str] = mapped_column(String(20), default="outcomes")
    #: owed in this run, payments and adjustments together, in the contract currency
    amount: Mapped[Decimal] = mapped_column(Money())
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("run_id", "organisation_id", "kind"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in OBLIGATION_KINDS) + ")", name="kind"
        ),
    )


class RunInvestor(db.Model):
    """What one investor receives in a run: principal and return."""

    __tablename__ = "run_investors"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: principal repaid in this run, in the contract currency
    principal: Mapped[Decimal] = mapped_column(Money())
    #: return paid in this run, in the contract currency
    return_amount: Mapped[Decimal] = mapped_column(Money())
    #: guarantee payments received in this run, in the contract currency
    guarantee: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("run_id", "organisation_id"),)


class RunSettlement(db.Model):
    """A settled obligation (`payment`) or the reversal of a wrong one; never edited."""

    __tablename__ = "run_settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("run_payers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: the day the money moved (for a reversal: the day of the entry it reverses)
    settled_on: Mapped[date] = mapped_column(Date)
    #: the payment's reference (bank transfer, invoice), or why a reversal was made
    reference: Mapped[str] = mapped_column(String(200))
    #: the payment entry a reversal undoes
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("run_settlements.id"), unique=True)
    #: settled amount (the obligation's), in the contract currency; negative for a reversal
    amount: Mapped[Decimal] = mapped_column(Money())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    obligation: Mapped[RunPayer] = relationship()

    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in SETTLEMENT_KINDS) + ")", name="kind"
        ),
    )


class Forecast(Settled, db.Model):
    """A settlement computed for a period whose payment date has not come: never approvable."""

    __tablename__ = "forecasts"

    #: the day the forecast was asked for: figures known then
    made_on: Mapped[date] = mapped_column(Date)
