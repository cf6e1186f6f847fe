"""Session login: one password check per attempt, and a slowdown per account and client address.

The rule (docs/access.md, "Signing in"): every attempt costs exactly one argon2 check, whether
the account exists, is inactive, has no password, is slowed down or the password is wrong, so
neither the answer nor its timing tells which. Failures are counted per (account name, client
address): after FREE_FAILURES in a row from one address, each further failure from that
address makes the account wait there 2, 4, 8 ... seconds, up to MAX_LOCK_SECONDS. The same
account from another address is not slowed down, so a stranger cannot lock a user out.

One address trying many accounts a few times each (password spraying) meets a second limit:
after ADDRESS_FAILURES failures across all accounts whose last failure there lies within
ADDRESS_WINDOW, every login from that address is refused until the window has passed.
"""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from sib.auth.models import LoginThrottle, User
from sib.auth.passwords import DUMMY_HASH, is_right
from sib.extensions import db

#: failures in a row from one address before each further one slows the account down there
FREE_FAILURES = 4
#: seconds; the longest wait after failed logins (it doubles from 2 s up to this)
MAX_LOCK_SECONDS = 15 * 60
#: failures from one address across every account (each account's last failure within the
#: window) after which that address is refused for any account: far above what an office of
#: people mistyping their passwords reaches, far below what spraying a user list needs
ADDRESS_FAILURES = 50
ADDRESS_WINDOW = timedelta(minutes=15)
#: a (account, address) pair without a failure for this long starts afresh
FORGET_AFTER = timedelta(days=1)


def user_for_login(email: str, password: str, client: str, at: datetime) -> User | None:
    """The user if the password is right and no slowdown is in force there; counts failures."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    usable = user is not None and user.active and bool(user.password_hash)
    # The hash is checked before anything else is decided, on every path alike.
    right = is_right(user.password_hash if usable else DUMMY_HASH, password) and usable
    throttle = _throttle(email, client)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > at:
        return None  # refused without counting, so hammering does not stretch the wait
    if _address_refused(client, at):
        return None  # likewise; and a right password is refused too, so it tells nothing
    if not right:
        _count_failure(throttle, email, client, at)
        return None
    if throttle is not None:
        db.session.delete(throttle)
    return user


def forget_failures(email: str) -> None:
    """Lift every slowdown of an account (its password was just set by an admin)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.account_sha256 == _digest(email)))


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _address_refused(client: str, at: datetime) -> bool:
    recent = db.session.scalar(
        select(func.coalesce(func.sum(LoginThrottle.failures), 0)).where(
            LoginThrottle.client == client[:64], LoginThrottle.last_failed_at > at - ADDRESS_WINDOW
        )
    )
    return recent >= ADDRESS_FAILURES


def _throttle(email: str, client: str) -> LoginThrottle | None:
    return db.session.scalar(
        select(LoginThrottle).where(
            LoginThrottle.account_sha256 == _digest(email), LoginThrottle.client == client[:64]
        )
    )


def _count_failure(throttle: LoginThrottle | None, email: str, client: str, at: datetime):
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.last_failed_at < at - FORGET_AFTER)
    )
    if throttle is None or throttle.last_failed_at < at - FORGET_AFTER:
        throttle = _new_throttle(email, client, at)
    throttle.failures += 1
    throttle.last_failed_at = at
    if throttle.failures > FREE_FAILURES:
        seconds = min(MAX_LOCK_SECONDS, 2 ** min(throttle.failures - FREE_FAILURES, 20))
        throttle.locked_until = at + timedelta(seconds=seconds)
    db.session.flush()


def _new_throttle(email: str, client: str, at: datetime) -> LoginThrottle:
    # Two failures at once from one address may both find no row: the second one re-reads.
    row = LoginThrottle(
        account_sha256=_digest(email), client=client[:64], failures=0, last_failed_at=at
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return row
    except IntegrityError:
        return _throttle(email, client)
