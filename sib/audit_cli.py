"""`sib audit verify` and `sib audit checkpoint`: check the chain, publish signed checkpoints."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from sib.audit import verify_chain
from sib.audit_checkpoint import (
    TOKEN_PREFIX,
    CheckpointError,
    parse_checkpoint,
    publish,
    verified_checkpoint,
)
from sib.audit_keys import current_keyring
from sib.extensions import db

audit_cli = AppGroup("audit", help="Check the audit log and publish its checkpoints.")


@audit_cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    metavar="TOKEN|FILE",
    help="A checkpoint you hold (its token, or a file with its JSON); repeatable.",
)
def verify(checkpoints: tuple[str, ...]) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first bad row when it is broken."""
    held = [_read_checkpoint(given) for given in checkpoints]
    verdict = _read_only(verify_chain, held)
    anchor = f", anchored at seq {verdict['checkpoint_seq']}" if verdict["checkpoint_seq"] else ""
    if verdict["ok"]:
        click.echo(f"Audit chain intact: {verdict['checked']} event(s) checked{anchor}.")
        return
    click.echo(
        f"Audit chain BROKEN at seq {verdict['first_bad_seq']}: {verdict['problem']} "
        f"({verdict['checked']} event(s) sound before it).",
        err=True,
    )
    sys.exit(1)


@audit_cli.command("checkpoint")
@click.option("--no-publish", is_flag=True, help="Print the checkpoint only; write no file.")
def checkpoint(no_publish: bool) -> None:
    """Sign the log's head, write it to the outbox (AUDIT_CHECKPOINT_DIR) and print it as JSON.

    Refuses (exit 1) when the chain does not verify: a checkpoint vouches for what it signs.
    """
    signed, verdict = _read_only(verified_checkpoint, current_keyring())
    if signed is None:
        click.echo(f"Not signed: the audit chain is broken at seq {verdict['first_bad_seq']}: "
                   f"{verdict['problem']}", err=True)  # fmt: skip
        sys.exit(1)
    outbox = current_app.config.get("AUDIT_CHECKPOINT_DIR")
    if outbox and not no_publish:
        click.echo(f"Published {publish(signed, outbox)}", err=True)
    elif not no_publish:
        click.echo("AUDIT_CHECKPOINT_DIR is empty: printed only, keep it yourself.", err=True)
    click.echo(json.dumps(signed.as_dict(), indent=2, sort_keys=True))


def _read_only(read, *args):
    """Call a reader and end its transaction, so that it holds no lock afterwards."""
    try:
        return read(*args)
    finally:
        db.session.rollback()


def _read_checkpoint(given: str):
    try:
        # a token or JSON as given, else the name of a file holding one
        is_text = given.lstrip().startswith((TOKEN_PREFIX, "{"))
        text = given if is_text else Path(given).read_text(encoding="utf-8")
        held = parse_checkpoint(text)
    except (OSError, CheckpointError) as error:
        raise click.BadParameter(str(error), param_hint="--checkpoint") from error
    if not held.is_signed_by(current_keyring()):
        raise click.BadParameter(
            f"the checkpoint of {held.at} is not signed by this service's audit key",
            param_hint="--checkpoint",
        )
    return held


commands = [audit_cli]
