"""Database model of an overdue period: past its deadline with figures missing or unverified."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sib.dbtypes import UtcDateTime
from sib.extensions import db


class OverdueFlag(db.Model):
    """One contract period flagged overdue by the scheduler; resolved once its figures are in."""

    __tablename__ = "overdue_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    period_label: Mapped[str] = mapped_column(String(80))
    deadline: Mapped[date] = mapped_column(Date)
    #: JSON list of metric codes without a figure in force for the period
    missing: Mapped[str] = mapped_column(Text, default="[]")
    #: JSON list of ids of submissions with figures for the period still awaiting verification
    unverified: Mapped[str] = mapped_column(Text, default="[]")
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime())
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("contract_id", "period_label"),)
