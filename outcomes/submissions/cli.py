"""Command-line verbs on outcome data: write a contract's template, ingest a workbook."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from tqdm import tqdm

from contracts.service import contract_by_reference, version_in_force
from outcomes.submissions import service
from outcomes.submissions.settings import settings_from
from outcomes.workbook.limits import WorkbookError
from outcomes.workbook.template import template_bytes
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ServiceError

outcomes_cli = AppGroup("outcomes", help="Outcome templates and workbooks.")


def _contract(reference: str):
    try:
        return contract_by_reference(reference)
    except ServiceError as error:
        raise click.ClickException(error.detail) from error


@outcomes_cli.command("template")
@click.argument("reference")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="Where to write the .xlsx template.")  # fmt: skip
def write_template(reference: str, output: Path) -> None:
    """Write the outcome template of contract REFERENCE."""
    contract = _contract(reference)
    output.write_bytes(template_bytes(service.catalogue_for(version_in_force(contract))))
    click.echo(f"Wrote the template of {reference} to {output}")


@outcomes_cli.command("ingest")
@click.argument("reference")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def ingest(reference: str, file: Path) -> None:
    """Read, check and store an outcome workbook for REFERENCE; exit 1 listing every problem."""
    contract = _contract(reference)
    data = file.read_bytes()
    click.echo(f"Reading {file.name} ({len(data) / 1_000_000:.1f} MB)...", err=True)
    with tqdm(unit="rows", desc="Storing", disable=None, file=sys.stderr) as bar:
        try:
            submission, created = service.ingest_file(
                contract, file.name, data, Actor.system("cli"), "upload",
                settings=settings_from(current_app.config), progress=_advance(bar),
            )  # fmt: skip
            db.session.commit()
        except WorkbookError as error:
            db.session.rollback()
            _fail(f"{file}: refused: {error.message}", [])
    if submission.status == "rejected":
        errors = service.stored_errors(submission)
        _fail(f"{file}: {len(errors)} problem(s); nothing of it was stored "
              f"(rejected submission {submission.id})",
              [(service.problem_path(e), e.message) for e in errors])  # fmt: skip
    counts = ", ".join(f"{sheet}: {count}" for sheet, count in sorted(_counts(submission)))
    verb = "Stored" if created else "Already stored as"
    click.echo(f"{verb} submission {submission.id} ({submission.status}; {counts}); "
               f"SHA-256 {submission.sha256}")  # fmt: skip


def _advance(bar: tqdm):
    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return advance


def _counts(submission) -> list[tuple[str, int]]:
    return list(json.loads(submission.row_counts).items())


def _fail(message: str, problems) -> None:
    click.echo(message, err=True)
    for path, text in problems:
        click.echo(f"  {path}: {text}", err=True)
    sys.exit(1)


commands = [outcomes_cli]
