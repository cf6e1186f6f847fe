"""`sib demo`: seeds the demo contract, a user for every party and the investors' drawdowns."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
from sqlalchemy import select

from contracts import service
from contracts.terms.load import load_terms_text
from outcomes.payments.drawdowns import record_drawdown
from outcomes.payments.models import Drawdown
from sib.actor import Actor
from sib.auth.demo import seed_demo_users
from sib.auth.passwords import password_problem
from sib.extensions import db
from sib.problems import NotFoundError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_TERMS = EXAMPLES / "demo-terms.json"
DEMO_INPUT = EXAMPLES / "demo-input.json"


@click.command("demo")
@click.option("--tokens", is_flag=True, help="Also issue and print a new API token per user.")
@click.option(
    "--revoke-old", is_flag=True, help="With --tokens: revoke the demo tokens issued before."
)
@click.option(
    "--password",
    envvar="SIB_DEMO_PASSWORD",
    help="Set this password for every demo user (new and existing) [SIB_DEMO_PASSWORD].",
)
def demo(tokens: bool, revoke_old: bool, password: str | None) -> None:
    """Seed the demo contract, its users and the drawdowns (idempotent; takes nothing away)."""
    if password is not None and (problem := password_problem(password)):
        raise click.BadParameter(problem, param_hint="--password")
    contract = seed_demo_contract()
    seed_demo_drawdowns(contract)
    logins = seed_demo_users(password, tokens=tokens, revoke_old=revoke_old and tokens)
    db.session.commit()
    _print_logins(logins)
    if tokens:
        _print_tokens(logins, revoked=revoke_old)


def _print_logins(logins) -> None:
    click.echo("Demo users (sign in at /login with email and password):")
    for login in logins:
        password = login.password or "(unchanged; sib users set-password EMAIL to reset)"
        click.echo(f"  {login.role:<17} {login.organisation:<17} {login.email:<34} {password}")


def _print_tokens(logins, *, revoked: bool) -> None:
    earlier = "are now revoked" if revoked else "keep working until they expire"
    click.echo(f"Demo API tokens (shown once; earlier demo tokens {earlier}):")
    for login in logins:
        click.echo(f"  {login.email:<34} {login.token}")
    click.echo(
        'Try: curl -H "Authorization: Bearer <token>" http://127.0.0.1:5000/api/v1/contracts'
    )


def seed_demo_contract():
    """The demo contract, imported from examples/ unless it is there already."""
    text = DEMO_TERMS.read_text(encoding="utf-8")
    reference = load_terms_text(text).reference
    try:
        contract = service.contract_by_reference(reference)
        click.echo(f"Demo contract {reference} is already there.")
    except NotFoundError:
        contract = service.import_contract(None, Actor.system("demo"), text=text)
        click.echo(f"Seeded demo contract {reference}.")
    return contract


def seed_demo_drawdowns(contract) -> None:
    """The investors' capital calls of examples/demo-input.json, once."""
    if db.session.scalar(select(Drawdown.id).where(Drawdown.contract_id == contract.id)):
        return
    for entry in json.loads(DEMO_INPUT.read_text(encoding="utf-8"))["drawdowns"]:
        record_drawdown(
            contract,
            entry["investor"],
            date.fromisoformat(entry["on"]),
            Decimal(entry["amount"]),
            Actor.system("demo"),
        )
    click.echo("Seeded the investors' drawdowns.")


commands = [demo]
