"""Users of organisations, their roles and their API tokens (stored only as hashes)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sib.dbtypes import UtcDateTime
from sib.extensions import db
from sib.policy import ROLES


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: stored lower case; the login name
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: argon2id hash (argon2-cffi); None for a user who only uses API tokens
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", order_by="UserRole.role", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),
    )


class ApiToken(db.Model):
    """A bearer token; its plain value is shown once and never stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: what the token is for, e.g. "nightly export"
    name: Mapped[str] = mapped_column(String(200))
    #: the random part's first characters, kept in clear to find the row
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    #: SHA-256 hex of the whole token
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired, and its user is active."""
        return self.revoked_at is None and self.expires_at > now and self.user.active


class LoginThrottle(db.Model):
    """Failed logins for one account name from one client address, and the slowdown they earn.

    Kept per (account, address), for unknown account names too, so that a stranger elsewhere
    cannot lock a user out and the slowdown does not tell which accounts exist.
    """

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 hex of the lower-cased email as typed (the account may not exist)
    account_sha256: Mapped[str] = mapped_column(String(64))
    #: the client's address as the app sees it (see TRUSTED_PROXY_HOPS)
    client: Mapped[str] = mapped_column(String(64))
    #: consecutive failures since the last success from this address
    failures: Mapped[int] = mapped_column(Integer)
    #: no login for this account from this address is accepted before this moment
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)

    __table_args__ = (UniqueConstraint("account_sha256", "client"),)
