"""Database models of what was agreed: organisations, contracts, versions and their parts."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sib.dbtypes import ExactDecimal, Money, UtcDateTime
from sib.extensions import db

ORGANISATION_KINDS = (
    "municipality",
    "region",
    "state_agency",
    "investor",
    "provider",
    "intermediary",
    "evaluator",
    "foundation",
    "other",
)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable short id, as used in terms documents (e.g. "botkyrka")
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    #: Swedish organisation number NNNNNN-NNNN, Luhn-checked when the terms are loaded
    org_number: Mapped[str | None] = mapped_column(String(11), unique=True)


class Contract(db.Model):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    versions: Mapped[list["ContractVersion"]] = relationship(
        back_populates="contract", order_by="ContractVersion.number"
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'closed', 'terminated')", name="status"),
    )


class ContractVersion(db.Model):
    """One version of a contract's terms; an amendment adds a row and never edits one."""

    __tablename__ = "contract_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the terms document exactly as imported (UTF-8 JSON text)
    document: Mapped[str] = mapped_column(Text)
    #: SHA-256 hex of `document`
    document_sha256: Mapped[str] = mapped_column(String(64))

    contract: Mapped[Contract] = relationship(back_populates="versions")
    parties: Mapped[list["Party"]] = relationship(order_by="Party.position")
    metrics: Mapped[list["Metric"]] = relationship(order_by="Metric.position")
    periods: Mapped[list["Period"]] = relationship(order_by="Period.position")
    terms: Mapped[list["Term"]] = relationship(order_by="Term.position")

    __table_args__ = (UniqueConstraint("contract_id", "number"),)


class Party(db.Model):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    #: investor's committed capital, in the contract currency
    commitment: Mapped[Decimal | None] = mapped_column(Money())
    tranche: Mapped[str | None] = mapped_column(String(80))
    #: the most an outcome payer pays in a calendar year, in the contract currency
    yearly_cap: Mapped[Decimal | None] = mapped_column(Money())
    #: the payer's default share of every payment, a fraction of 1
    default_share: Mapped[Decimal | None] = mapped_column(ExactDecimal(28, 12))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint(
            "role IN ('outcome_payer', 'investor', 'provider', 'intermediary', 'evaluator',"
            " 'guarantor')",
            name="role",
        ),
    )


class Metric(db.Model):
    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))
    participant_level: Mapped[bool] = mapped_column(Boolean, default=False)
    #: JSON list of area names the metric is reported by (the `x_areas` extension), or "[]"
    areas: Mapped[str] = mapped_column(Text, default="[]")

    __table_args__ = (UniqueConstraint("version_id", "code"),)


class Period(db.Model):
    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("version_id", "label"),)

    @property
    def payment_on(self) -> date:
        return self.deadline or self.ends_on


class Term(db.Model):
    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[str] = mapped_column(String(80))
    metric_code: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    #: the term's object from the terms document, as JSON
    definition: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("version_id", "term_id"),)
