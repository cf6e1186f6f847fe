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

from contracts.engine.public import Contract as EngineContract
from contracts.terms.load import stored_terms
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

    @property
    def agreed(self) -> EngineContract:
        """The engine's typed contract of this version (parsed once per document, shared)."""
        return stored_terms(self.document)


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

    # A party is always shown with its organisation: joined, so a version's parties are one
    # query, not one more per party.
    organisation: Mapped[Organisation] = relationship(lazy="joined")

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


class AmendmentProposal(db.Model):
    """A party's proposed new version of the terms: in force once every affected party accepts.

    Its `status` is `proposed` until then, `in_force` (with the version it became) or
    `rejected` when one affected party refuses. It lapses when another version takes effect
    first (`base_version` is then no longer the latest): nobody can accept it any more.
    """

    __tablename__ = "amendment_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    #: the number of the version it amends (the latest when proposed)
    base_version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    #: the proposed terms document (UTF-8 JSON text) and its SHA-256 hex
    document: Mapped[str] = mapped_column(Text)
    document_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposed_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: the version it became, once in force
    version_id: Mapped[int | None] = mapped_column(ForeignKey("contract_versions.id"))

    contract: Mapped[Contract] = relationship()
    answers: Mapped[list["AmendmentAnswer"]] = relationship(order_by="AmendmentAnswer.id")
    version: Mapped[ContractVersion | None] = relationship()
    proposed_by_organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'in_force', 'rejected')", name="status"),
    )


class AmendmentAnswer(db.Model):
    """One affected party's answer to a proposed amendment, and why it was asked."""

    __tablename__ = "amendment_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("amendment_proposals.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: comma-separated roles whose money the amendment changes, e.g. "outcome_payer,investor"
    affected_as: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str] = mapped_column(String(10), default="pending")
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("proposal_id", "organisation_id"),
        CheckConstraint("answer IN ('pending', 'accepted', 'rejected')", name="answer"),
    )
