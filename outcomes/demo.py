"""`sib demo`: seeds the demo contract, one user per role and the investors' drawdowns."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
from sqlalchemy import select

from contracts import service
from outcomes.payments.drawdowns import record_drawdown
from outcomes.payments.models import Drawdown
from sib.actor import Actor
from sib.auth.demo import seed_demo_users
from sib.extensions import db
from sib.problems import NotFoundError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_TERMS = EXAMPLES / "demo-terms.json"
DEMO_INPUT = EXAMPLES / "demo-input.json"


@click.command("demo")
@click.option("--tokens", is_flag=True, help="Also issue and print one API token per role.")
@click.option("--password", envvar="SIB_DEMO_PASSWORD", help="Password for the demo users.")
def demo(tokens: bool, password: str | None) -> None:
    """Seed the demo contract, one user per role and the drawdowns (idempotent)."""
    contract = seed_demo_contract()
    seed_demo_drawdowns(contract)
    logins = seed_demo_users(password)
    db.session.commit()
    if not tokens:
        click.echo(f"Demo users: {', '.join(login.email for login in logins)}")
        return
    click.echo("Demo API tokens (shown once; earlier demo tokens are now revoked):")
    for login in logins:
        click.echo(f"  {login.role:<17} {login.organisation:<17} {login.token}")
    click.echo(
        'Try: curl -H "Authorization: Bearer <token>" http://127.0.0.1:5000/api/v1/contracts'
    )


def seed_demo_contract():
    """The demo contract, imported from examples/ unless it is there already."""
    text = DEMO_TERMS.read_text(encoding="utf-8")
    reference = json.loads(text)["reference"]
    try:
        contract = service.contract_by_reference(reference)
        click.echo(f"Demo contract {reference} is already there.")
    except NotFoundError:
        contract = service.import_contract(json.loads(text), Actor.system("demo"), text=text)
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
