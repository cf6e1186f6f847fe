"""Demo users, one per role, in the demo contract's organisations (examples/demo-terms.json)."""

from dataclasses import dataclass

from sqlalchemy import select

from sib.actor import Actor
from sib.auth import service
from sib.auth.models import ApiToken, User
from sib.extensions import db

#: role, organisation slug (as in examples/demo-terms.json), email, name
DEMO_USERS = (
    ("admin", "utfall", "admin@utfall.example", "Ada Admin"),
    ("contract_manager", "utfall", "manager@utfall.example", "Maja Manager"),
    ("finance_officer", "botkyrka", "finance@botkyrka.example", "Filip Finance"),
    ("evaluator", "evaluator", "evaluator@evaluator.example", "Eva Evaluator"),
    ("investor", "malar_fund", "investor@malar-fund.example", "Ivar Investor"),
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
    token: str


def seed_demo_users(password: str | None = None, *, tokens: bool = True) -> list[DemoLogin]:
    """Create the demo users if missing; with `tokens`, issue each a fresh token (revoking its
    earlier demo tokens) and return the plain values for the run command to print (else the
    token is ""). New users get `password` for the pages. Flushes, never commits.

    The demo contract must be imported first: it creates the organisations.
    """
    actor = Actor.system("demo")
    logins = []
    for role, slug, email, name in DEMO_USERS:
        user = _user(email) or service.create_user(
            email, name, service.organisation_id_for(slug), [role], actor, password=password
        )
        plain = _fresh_token(user, actor) if tokens else ""
        logins.append(DemoLogin(role, email, slug, plain))
    return logins


def _fresh_token(user: User, actor: Actor) -> str:
    for old in _demo_tokens(user):
        service.revoke_token(old, actor)
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
