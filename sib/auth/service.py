"""Verbs on users and tokens; each writes its audit event and flushes, never commits."""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from sib import audit
from sib.actor import Actor
from sib.auth.login import forget_failures
from sib.auth.models import ApiToken, User, UserRole
from sib.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, password_problem
from sib.extensions import db
from sib.policy import ROLES
from sib.problems import ConflictError, NotFoundError, ServiceError

__all__ = ["MIN_PASSWORD_LENGTH"]  # and the verbs below; the web pages read it from here
TOKEN_PATTERN = re.compile(r"^sib_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


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
        password_hash=hash_password(password) if password else None,
        active=True,
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
    if password is not None and (problem := password_problem(password)):
        problems.append(("$.password", problem))
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


def set_password(user: User, password: str, actor: Actor) -> User:
    """Give a user a new password for the pages and lift the account's login slowdowns."""
    if problem := password_problem(password):
        raise ServiceError(
            "The password is refused; nothing was changed.", [("$.password", problem)]
        )
    had_password = user.password_hash is not None
    user.password_hash = hash_password(password)
    forget_failures(user.email)
    db.session.flush()
    audit.record(
        "user.password_set",
        actor=actor,
        entity_type="user",
        entity_id=user.id,
        before={"has_password": had_password},
        after={"email": user.email, "has_password": True},
    )
    return user
