"""`sib audit verify`: walk the hash chain from the command line; exit 1 when it is broken."""

import sys

import click
from flask.cli import AppGroup

from sib.audit import verify_chain

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Walk the audit log's hash chain; exit 1 naming the first bad row when it is broken."""
    verdict = verify_chain()
    if verdict["ok"]:
        click.echo(f"Audit chain intact: {verdict['checked']} event(s) checked.")
        return
    click.echo(
        f"Audit chain BROKEN at seq {verdict['first_bad_seq']}: {verdict['problem']} "
        f"({verdict['checked']} event(s) sound before it).",
        err=True,
    )
    sys.exit(1)


commands = [audit_cli]
