"""Database models of what was reported: submissions, their figures and participant rows."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from sib.dbtypes import ExactDecimal, UtcDateTime
from sib.extensions import db

SOURCES = ("upload", "inbox")
STATUSES = ("received", "validated", "rejected", "verified", "disputed", "superseded")


def _one_of(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in allowed) + ")"


class Submission(db.Model):
    """One file of outcome data for a contract: its rows when valid, a record when rejected.

    The file's bytes are never kept (they hold participants' identity numbers); its SHA-256, name
    and size say which file it was, and the officer keeps the original.
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    #: the contract version whose metrics, periods and areas the file was checked against
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    #: SHA-256 hex of the file's bytes: the same file for the same contract is stored once
    sha256: Mapped[str] = mapped_column(String(64))
    #: bytes
    size: Mapped[int] = mapped_column(Integer)
    #: the actor's label, as in the audit log
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_by_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    #: JSON {sheet name: data rows read}
    row_counts: Mapped[str] = mapped_column(Text, default="{}")
    #: JSON [[sheet, header], ...] of columns the reader ignored
    extra_columns: Mapped[str] = mapped_column(Text, default="[]")
    #: JSON [sheet, ...] of sheets the reader did not read (identity numbers masked)
    ignored_sheets: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: JSON list of problems (rejected files only); never holds a personal identifier
    errors: Mapped[str | None] = mapped_column(Text)
    #: rejected files only: the .xlsx served as errors.xlsx, made at upload with every
    #: participant identifier masked (outcomes.workbook.mask); never the original bytes
    errors_workbook: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    verification_note: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    #: when an evaluator verified or disputed the submission
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    version = relationship("ContractVersion")

    __table_args__ = (
        UniqueConstraint("contract_id", "sha256"),
        CheckConstraint(_one_of("source", SOURCES), name="source"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
    )

    @property
    def version_number(self) -> int:
        return self.version.number


class OutcomeRecord(db.Model):
    """One aggregate figure of a submission: a metric's value in a period and area."""

    __tablename__ = "outcome_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    metric: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(80))
    #: "" when the figure is for the whole contract area
    area: Mapped[str] = mapped_column(String(100), default="")
    #: in the metric's unit, exact
    value: Mapped[Decimal] = mapped_column(ExactDecimal(38, 12))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the row of the Values sheet it was read from
    source_row: Mapped[int] = mapped_column(Integer)

    submission: Mapped[Submission] = relationship()

    __table_args__ = (UniqueConstraint("submission_id", "metric", "period", "area"),)


class ParticipantRecord(db.Model):
    """One participant achieving one outcome; `pseudonym` is a keyed hash, never the identifier."""

    __tablename__ = "participant_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    #: hex HMAC-SHA256 of the normalised identifier under the server's pseudonym key
    pseudonym: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(80))
    area: Mapped[str] = mapped_column(String(100), default="")
    achieved_on: Mapped[date] = mapped_column(Date)
    #: the row of the Participants sheet it was read from
    source_row: Mapped[int] = mapped_column(Integer)

    submission: Mapped[Submission] = relationship()
