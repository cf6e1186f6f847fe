"""`sib audit verify`, `checkpoint`, `public-key` and `check-export`: the audit log's commands.

The first three run against the service's database and keys; `check-export` is the auditor's,
and needs neither: an export, checkpoints and the public key.
"""

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
from sib.audit_offline import ExportError, check_export, events_in, rows_of, signature_problems
from sib.audit_signing import PublicKeys, SigningKeyError, public_keys_from_text
from sib.extensions import db

audit_cli = AppGroup("audit", help="Check the audit log and publish its checkpoints.")


@audit_cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    metavar="TOKEN|FILE|FOLDER",
    help="A checkpoint you hold (its token, a file with its JSON, or a folder of them); "
    "repeatable.",
)
def verify(checkpoints: tuple[str, ...]) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first bad row when it is broken."""
    held = [checkpoint for given in checkpoints for checkpoint in _signed_checkpoints(given)]
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


def _signed_checkpoints(given: str) -> list:
    """The checkpoints given, each signed by this service's keys, or a usage error (exit 2)."""
    held = _checkpoints_given(given)
    for checkpoint in held:
        problem = checkpoint.signature_problem(current_keyring())
        if problem:
            raise click.BadParameter(
                f"the checkpoint of {checkpoint.at} is not signed by this service's audit key: "
                f"{problem}",
                param_hint="--checkpoint",
            )
    return held


def _checkpoints_given(given: str) -> list:
    """The checkpoints in a token or JSON as given, a file holding one, or a folder of them."""
    try:
        if given.lstrip().startswith((TOKEN_PREFIX, "{")):
            return [parse_checkpoint(given)]
        path = Path(given)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise CheckpointError(f"the folder {given} holds no checkpoint (*.json)")
        return [parse_checkpoint(file.read_text(encoding="utf-8")) for file in files]
    except (OSError, CheckpointError) as error:
        raise click.BadParameter(str(error), param_hint="--checkpoint") from error


@audit_cli.command("public-key")
def public_key() -> None:
    """Print the public keys that check checkpoints' Ed25519 signatures (PEM, current first).

    Hand the output to auditors (`sib audit check-export --public-key FILE`). Each key's base64
    line is the form AUDIT_PREVIOUS_PUBLIC_KEYS takes after a rotation.
    """
    for key in current_keyring().signing.published():
        state = "current" if key["current"] else "previous"
        click.echo(f"# Ed25519 key {key['key_id']} ({state}); base64: {key['public_key']}")
        click.echo(key["pem"], nl=False)


@audit_cli.command("check-export", with_appcontext=False)
@click.argument("exports", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
@click.option(
    "--checkpoint",
    "given",
    multiple=True,
    required=True,
    metavar="TOKEN|FILE|FOLDER",
    help="A checkpoint (its token, a file with its JSON, or a folder of them); repeatable.",
)
@click.option(
    "--public-key",
    "key_texts",
    multiple=True,
    required=True,
    metavar="FILE|BASE64",
    help="The service's public key(s): `sib audit public-key` output, PEM, or base64; repeatable.",
)
def check_export_command(exports, given: tuple[str, ...], key_texts: tuple[str, ...]) -> None:
    """Check an export of GET /api/v1/audit/events against signed checkpoints, offline.

    EXPORTS are its pages as saved (all of them, from after=0). Needs no database and no audit
    key. Exit 1 naming the first bad row; exit 2 when a checkpoint is not signed by a key given.
    """
    public_keys = PublicKeys.of(key for text in key_texts for key in _public_keys(text))
    checkpoints = [held for text in given for held in _checkpoints_given(text)]
    refused = signature_problems(checkpoints, public_keys)
    if refused:
        raise click.BadParameter("; ".join(refused), param_hint="--checkpoint")
    try:
        rows = rows_of(e for export in exports for e in events_in(export.read(), export.name))
    except ExportError as error:
        raise click.BadParameter(str(error), param_hint="EXPORTS") from error
    verdict = check_export(rows, checkpoints)
    if not verdict["ok"]:
        click.echo(f"Export BROKEN at seq {verdict['first_bad_seq']}: {verdict['problem']} "
                   f"({verdict['checked']} event(s) sound before it).", err=True)  # fmt: skip
        sys.exit(1)
    anchored, checked = verdict["anchored_seq"], verdict["checked"]
    click.echo(f"Export intact: {checked} event(s) checked, anchored at seq {anchored} by "
               f"{len(checkpoints)} checkpoint(s).")  # fmt: skip
    if checked > anchored:
        click.echo(f"Events {anchored + 1} to {checked} are chained but no checkpoint given "
                   "vouches for them yet.")  # fmt: skip


def _public_keys(given: str) -> list:
    """Public keys given as text (PEM or base64) or as the name of a file holding them."""
    try:
        if "-----BEGIN" in given or not Path(given).is_file():
            return public_keys_from_text(given, f"--public-key {given[:60]!r} (not a file)")
        return public_keys_from_text(Path(given).read_text(encoding="utf-8"), given)
    except (OSError, SigningKeyError) as error:
        raise click.BadParameter(str(error), param_hint="--public-key") from error


commands = [audit_cli]
