"""The `sib` command: Flask's command line with this app, plus the project's own commands."""

from flask.cli import FlaskGroup

from sib import create_app


def main() -> None:
    """Entry point of the `sib` console script."""
    cli = FlaskGroup(create_app=lambda: create_app(), help="Outcome contract tracker.")
    cli.main(prog_name="sib")
