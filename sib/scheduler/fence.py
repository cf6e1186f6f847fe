"""Fencing: while a job runs, each of its commits goes through only if its instance still
holds the lease.

A scheduler frozen mid-job (a long GC pause, a stopped VM, a lost network) can wake after
another instance took the lease over; without a fence it would finish its job beside the new
holder. The runner opens a fence around a job's work; every commit made in it (however deep in
the job's code) first renews the lease in the same transaction, and raises `LeaseLostError`, so the
commit does not happen, when the lease is gone.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from sib.extensions import db
from sib.scheduler import lease


class LeaseLostError(Exception):
    """This instance no longer holds the lease: the job stops without committing."""


#: (session, holder, lease seconds, clock) of the job running in this thread, if any
_fence: ContextVar[tuple[Session, str, int, Callable[[], datetime]] | None] = ContextVar(
    "scheduler_fence", default=None
)


@contextmanager
def fenced(holder: str, seconds: int, now: Callable[[], datetime]) -> Iterator[None]:
    """Fence every commit of the current session until the block ends.

    Only that session's: the instance's own heartbeat and run records are never fenced.
    """
    token = _fence.set((db.session(), holder, seconds, now))
    try:
        yield
    finally:
        _fence.reset(token)


@event.listens_for(db.session, "before_commit")
def _check_lease(session) -> None:
    fence = _fence.get()
    if fence is None or fence[0] is not session:
        return
    _, holder, seconds, now = fence
    if not lease.renew(holder, now(), seconds):
        raise LeaseLostError(f"scheduler {holder} lost the lease; its work since the last commit "
                        "was not committed")  # fmt: skip
