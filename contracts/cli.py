"""Command-line verbs on terms documents and contracts: check, simulate, import, demo."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from contracts import service
from contracts.answer_table import answer_table
from contracts.engine.public import Contract, InputError, answer_document, dumps_answer, settle
from contracts.terms.load import TermsError, load_terms_text
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ServiceError

terms_cli = AppGroup("terms", help="Check terms documents.")
contracts_cli = AppGroup("contracts", help="Import and inspect contracts.")


def _fail(message: str, problems) -> None:
    click.echo(message, err=True)
    for path, text in problems:
        click.echo(f"  {path}: {text}", err=True)
    sys.exit(1)


def _read_terms(path: Path) -> tuple[Contract, str]:
    text = path.read_text(encoding="utf-8")
    try:
        return load_terms_text(text), text
    except TermsError as error:
        _fail(
            f"{path}: {len(error.problems)} problem(s)",
            [(p.path, p.message) for p in error.problems],
        )


@terms_cli.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_terms(file: Path) -> None:
    """Check a terms document; exit 1 listing every problem."""
    terms, _ = _read_terms(file)
    click.echo(f"{file}: valid {terms.document['format']} document for {terms.reference}")


@click.command("simulate")
@click.argument("terms_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--table", is_flag=True, help="Print readable tables instead of JSON.")
def simulate(terms_file: Path, input_file: Path, table: bool) -> None:
    """Run the payment engine on a terms document and an input document."""
    terms, _ = _read_terms(terms_file)
    try:
        values = json.loads(input_file.read_text(encoding="utf-8"))
    except ValueError as error:
        _fail(f"{input_file}: not valid JSON", [("$", str(error))])
    try:
        answer = settle(terms, values)
    except InputError as error:
        _fail(
            f"{input_file}: {len(error.problems)} problem(s)",
            [(p.path, p.message) for p in error.problems],
        )
    text = answer_table(answer_document(answer)) if table else dumps_answer(answer)
    click.echo(text, nl=False)


@contracts_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_contract(file: Path) -> None:
    """Import a terms document as a new contract."""
    text = file.read_text(encoding="utf-8")
    try:
        contract = service.import_contract(None, Actor.system("cli"), text=text)
        db.session.commit()
    except (ServiceError, ValueError) as error:
        db.session.rollback()
        _fail(str(error), [(e["path"], e["message"]) for e in getattr(error, "errors", [])])
    click.echo(f"Imported {contract.reference} (version 1)")


commands = [terms_cli, contracts_cli, simulate]
