"""Demo users in the demo contract's organisations (examples/demo-terms.json), every party staffed.

Re-seeding never takes anything away: earlier demo tokens keep working until they expire (or
are revoked on request), and a password is changed only when one is given.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from sib.actor import Actor
from sib.auth import service
from sib.auth.models import ApiToken, User
from sib.auth.passwords import is_right
from sib.extensions import db

#: role, organisation slug (as in examples/demo-terms.json), email, name
DEMO_USERS = (
    ("admin", "utfall", "admin@utfall.example", "Ada Admin"),
    # the intermediary runs the contract
    ("contract_manager", "utfall", "manager@utfall.example", "Maja Manager"),
    # one finance officer per outcome payer, the guarantor and the provider
    ("finance_officer", "botkyrka", "finance@botkyrka.example", "Filip Finance"),
    ("finance_officer", "nacka", "finance@nacka.example", "Nora Nacka"),
    ("finance_officer", "region", "finance@region.example", "Rune Region"),
    ("finance_officer", "trygga", "finance@trygga.example", "Greta Guarantor"),
    ("finance_officer", "framsteg", "finance@framsteg.example", "Pia Provider"),
    ("evaluator", "evaluator", "evaluator@evaluator.example", "Eva Evaluator"),
    # one investor user per investor
    ("investor", "malar_fund", "investor@malar-fund.example", "Ivar Investor"),
    ("investor", "sodertorn_impact", "investor@sodertorn-impact.example", "Siri Sodertorn"),
    # the region's auditors; an auditor reads every contract whatever its organisation
    ("auditor", "region", "auditor@region.example", "Astrid Auditor"),
)
DEMO_TOKEN_NAME = "demo"
#: days a demo token lives
DEMO_TOKEN_DAYS = 30


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str
    #: the API token issued this run, "" when none was
    token: str
    #: the password set this run, "" when the user's password was left as it was
    password: str = ""


def seed_demo_users(
    password: str | None = None, *, tokens: bool = True, revoke_old: bool = False
) -> list[DemoLogin]:
    """Create the demo users if missing and return how to sign in as each. Flushes only.

    `password` becomes every demo user's password; without it, a user with no password gets
    a generated one (the same for all, returned once) and others keep theirs. With `tokens`,
    each user gets a new token; earlier demo tokens keep working unless `revoke_old`.
    The demo contract must be imported first: it creates the organisations.
    """
    actor = Actor.system("demo")
    generated = secrets.token_urlsafe(12)
    logins = []
    for role, slug, email, name in DEMO_USERS:
        user = _user(email) or service.create_user(
            email, name, service.organisation_id_for(slug), [role], actor
        )
        given = _give_password(user, password or generated, actor, force=password is not None)
        if revoke_old:
            for old in _demo_tokens(user):
                service.revoke_token(old, actor)
        plain = _new_token(user, actor) if tokens else ""
        logins.append(DemoLogin(role, email, slug, plain, given))
    return logins


def _give_password(user: User, password: str, actor: Actor, *, force: bool) -> str:
    """Set the password when forced or the user has none; return it if it was set, else ""."""
    if user.password_hash and not force:
        return ""
    if not (user.password_hash and is_right(user.password_hash, password)):
        service.set_password(user, password, actor)
    return password


def _new_token(user: User, actor: Actor) -> str:
    _, plain = service.create_token(user, actor, name=DEMO_TOKEN_NAME, days=DEMO_TOKEN_DAYS)
    return plain


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _demo_tokens(user: User) -> list[ApiToken]:
    return db.session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user.id,
            ApiToken.name == DEMO_TOKEN_NAME,
            ApiToken.revoked_at.is_(None),
        )
    ).all()
