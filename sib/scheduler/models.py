"""Database models of the scheduler: the lease that elects one active scheduler, and job runs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sib.dbtypes import UtcDateTime
from sib.extensions import db

#: abandoned: its scheduler died or lost the lease before the run ended
OUTCOMES = ("running", "ok", "error", "abandoned")


class SchedulerLease(db.Model):
    """Who may run jobs until when; renewed by its holder's heartbeat, taken over once expired."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: the instance holding the lease, e.g. "host:pid:random"
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    renewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRun(db.Model):
    """One run of a scheduled job: when, by whom, how it ended and what it counted."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80), index=True)
    #: the fire time of the job's trigger this run is for; unique per job, so that no two
    #: instances run the same slot (none for a run by hand, e.g. `sib scheduler --once`)
    slot: Mapped[datetime | None] = mapped_column(UtcDateTime())
    holder: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(20))
    #: JSON object of what the job counted, e.g. {"ingested": 2, "rejected": 1}
    counts: Mapped[str] = mapped_column(Text, default="{}")
    #: the exception's type and message when the job failed
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "outcome IN (" + ", ".join(f"'{o}'" for o in OUTCOMES) + ")", name="outcome"
        ),
        UniqueConstraint("job", "slot"),
    )
