"""The lease that makes one scheduler active: take it when free or expired, renew it while held."""

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update

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
        .values(
            holder=holder,
            # a takeover starts a new tenure; a renewal keeps its start
            acquired_at=case(
                (SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now
            ),
            renewed_at=now,
            expires_at=expires,
        )  # fmt: skip
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


def renew(holder: str, now: datetime, seconds: int, name: str = LEASE_NAME) -> bool:
    """Renew the lease only if this holder still has it unexpired; whether it did.

    The fence before a job commits: on PostgreSQL the UPDATE locks the lease row until that
    commit, so a takeover waits for it and then finds the lease renewed; an instance that lost
    the lease (or let it run out) changes nothing and must not commit its work.
    """
    changed = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            SchedulerLease.holder == holder,
            SchedulerLease.expires_at > now,
        )
        .values(renewed_at=now, expires_at=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def release(holder: str, now: datetime, name: str = LEASE_NAME) -> None:
    """Let the lease go at once (on a clean shutdown), so another instance need not wait."""
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def tenure_of(holder: str, name: str = LEASE_NAME) -> datetime | None:
    """When this holder took the lease it holds (None if it does not hold it)."""
    return db.session.scalar(
        select(SchedulerLease.acquired_at).where(
            SchedulerLease.name == name, SchedulerLease.holder == holder
        )
    )


def holder_of(now: datetime, name: str = LEASE_NAME) -> str | None:
    """The instance holding an unexpired lease, if any."""
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == name))
    if lease is None or lease.expires_at <= now:
        return None
    return lease.holder
