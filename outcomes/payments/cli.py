"""Command-line verbs on payment runs: `sib runs compute REF PERIOD`."""

import sys

import click
from flask.cli import AppGroup

from contracts.service import contract_by_reference
from outcomes.payments import service
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ServiceError
from sib.today import today

runs_cli = AppGroup("runs", help="Compute payment runs.")


@runs_cli.command("compute")
@click.argument("reference")
@click.argument("period")
def compute(reference: str, period: str) -> None:
    """Settle contract REFERENCE through PERIOD and store a draft payment run."""
    try:
        contract = contract_by_reference(reference)
        run, created = service.compute_committed(
            contract, period, Actor.system("cli"), today=today()
        )
    except ServiceError as error:
        db.session.rollback()
        click.echo(f"error: {error.detail}", err=True)
        for problem in error.errors:
            click.echo(f"  {problem['path']}: {problem['message']}", err=True)
        sys.exit(1)
    state = "stored" if created else "unchanged, existing"
    payers = ", ".join(
        f"{p.organisation.slug}{' (guarantee)' if p.kind == 'guarantee' else ''} {p.amount:f}"
        for p in run.payers
    )
    click.echo(f"run {run.id} for {reference} {period} ({state}, {run.status}): {payers}")
    click.echo(f"digest {run.digest}")


commands = [runs_cli]
