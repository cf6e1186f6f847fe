"""The lease that makes one scheduler active: take it when free or expired, renew it while held."""

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from sib.extensions import db
from sib.scheduler.models import SchedulerLease

LEASE_NAME = "scheduler"


def acquire(holder: str, now: datetime, seconds: int, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease for `seconds`; False while another holder's lease runs.

    One conditional UPDATE decides, so two instances racing for an expired lease cannot both
    win: the database re-checks the condition on the row the first one changed.
    """
    expires = now + timedelta(seconds=seconds)
    changed = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(holder=holder, renewed_at=now, expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        return True
    if db.session.get(SchedulerLease, name) is not None:
        return False
    return _create(holder, now, expires, name)


def _create(holder: str, now: datetime, expires: datetime, name: str) -> bool:
    # Two instances creating the row at once: the second flush raises IntegrityError, and its
    # heartbeat rolls back and counts the lease as not held.
    db.session.add(
        SchedulerLease(
            name=name, holder=holder, acquired_at=now, renewed_at=now, expires_at=expires
        )
    )
    db.session.flush()
    return True


def release(holder: str, now: datetime, name: str = LEASE_NAME) -> None:
    """Let the lease go at once (on a clean shutdown), so another instance need not wait."""
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def holder_of(now: datetime, name: str = LEASE_NAME) -> str | None:
    """The instance holding an unexpired lease, if any."""
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == name))
    if lease is None or lease.expires_at <= now:
        return None
    return lease.holder
