"""Verbs on users and tokens; each writes its audit event and flushes, never commits."""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from sib import audit
from sib.actor import Actor
from sib.auth.models import ApiToken, User, UserRole
from sib.extensions import db
from sib.policy import ROLES
from sib.problems import ConflictError, NotFoundError, ServiceError

_hasher = PasswordHasher()
#: a password is checked against this when the email is unknown, so both take as long
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")
TOKEN_PATTERN = re.compile(r"^sib_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
MIN_PASSWORD_LENGTH = 12
#: consecutive failures allowed before each further one locks the account for a while
FREE_FAILURES = 4
#: seconds; the longest lock after failed logins (it doubles from 2 s up to this)
MAX_LOCK_SECONDS = 15 * 60


def now() -> datetime:
    return datetime.now(UTC)


def organisation_id_for(slug: str) -> int:
    """The id of the organisation with this slug, or a 422 naming the field."""
    # By table, not by model: sib's foundations do not import the contracts package.
    organisations = db.metadata.tables["organisations"]
    found = db.session.scalar(select(organisations.c.id).where(organisations.c.slug == slug))
    if found is None:
        raise ServiceError(f"No organisation {slug}.", [("$.organisation", "unknown organisation")])
    return found


def create_user(
    email: str,
    name: str,
    organisation_id: int,
    roles: list[str],
    actor: Actor,
    *,
    password: str | None = None,
) -> User:
    """Add a user of an organisation with one or more roles."""
    email = email.strip().lower()
    _check_user(email, roles, password)
    user = User(
        email=email,
        name=name,
        organisation_id=organisation_id,
        password_hash=_hasher.hash(password) if password else None,
        active=True,
        failed_logins=0,
        created_at=now(),
        role_rows=[UserRole(role=role) for role in sorted(set(roles))],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        entity_type="user",
        entity_id=user.id,
        after={"email": email, "name": name, "organisation_id": organisation_id,
               "roles": sorted(user.roles), "has_password": password is not None},
    )  # fmt: skip
    return user


def _check_user(email: str, roles: list[str], password: str | None) -> None:
    problems = []
    if "@" not in email:
        problems.append(("$.email", "not an email address"))
    elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise ConflictError(f"A user {email} exists already.", [("$.email", "taken")])
    if not roles:
        problems.append(("$.roles", "give at least one role"))
    problems += [("$.roles", f"unknown role {r!r}; one of {', '.join(ROLES)}") for r in roles
                 if r not in ROLES]  # fmt: skip
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(("$.password", f"at least {MIN_PASSWORD_LENGTH} characters"))
    if problems:
        raise ServiceError("The user cannot be created; nothing was stored.", problems)


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"No user {user_id}.")
    return user


def user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(f"No user {email}.")
    return user


def create_token(user: User, actor: Actor, *, name: str, days: int) -> tuple[ApiToken, str]:
    """Issue a bearer token for a user; the plain value is returned here and never again."""
    if days < 1:
        raise ServiceError("A token must live at least a day.", [("$.days", "at least 1")])
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    plain = f"sib_{prefix}_{secret}"
    created = now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        token_sha256=token_digest(plain),
        created_at=created,
        expires_at=created + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.created",
        actor=actor,
        entity_type="api_token",
        entity_id=token.id,
        after={"user_id": user.id, "name": name, "prefix": prefix,
               "expires_at": token.expires_at.isoformat()},
    )  # fmt: skip
    return token, plain


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def token_by_id(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"No token {token_id}.")
    return token


def token_by_prefix(prefix: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise NotFoundError(f"No token with prefix {prefix}.")
    return token


def revoke_token(token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke a token from now on; revoking a revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = now()
    db.session.flush()
    audit.record(
        "token.revoked",
        actor=actor,
        entity_type="api_token",
        entity_id=token.id,
        before={"revoked_at": None},
        after={"user_id": token.user_id, "prefix": token.prefix,
               "revoked_at": token.revoked_at.isoformat()},
    )  # fmt: skip
    return token


def token_for(plain: str, at: datetime) -> ApiToken | None:
    """The usable token with this plain value, or None (malformed, unknown, expired, revoked)."""
    match = TOKEN_PATTERN.match(plain)
    if not match:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == match.group(1)))
    if token is None or not hmac.compare_digest(token.token_sha256, token_digest(plain)):
        return None
    return token if token.is_usable(at) else None


def user_for_login(email: str, password: str, at: datetime) -> User | None:
    """The user if the password is right and no slowdown is in force; counts failures."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not user.password_hash:
        _verify(_DUMMY_HASH, password)
        return None
    if user.locked_until is not None and user.locked_until > at:
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins > FREE_FAILURES:
            seconds = min(MAX_LOCK_SECONDS, 2 ** (user.failed_logins - FREE_FAILURES))
            user.locked_until = at + timedelta(seconds=seconds)
        return None
    user.failed_logins, user.locked_until = 0, None
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
