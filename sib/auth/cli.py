"""Command-line verbs for users and tokens: `sib users create|set-password`, `sib tokens ...`."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from sib.actor import Actor
from sib.auth import service
from sib.extensions import db
from sib.policy import ROLES
from sib.problems import ServiceError

users_cli = AppGroup("users", help="Manage users.")
tokens_cli = AppGroup("tokens", help="Issue and revoke API tokens.")
CLI = Actor.system("cli")


def _commit_or_fail(work):
    """Run a verb and commit, or roll back and exit 1 listing its problems."""
    try:
        result = work()
        db.session.commit()
        return result
    except ServiceError as error:
        db.session.rollback()
        click.echo(error.detail, err=True)
        for problem in error.errors:
            click.echo(f"  {problem['path']}: {problem['message']}", err=True)
        sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option("--organisation", required=True, help="The organisation's slug, e.g. botkyrka.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--password", is_flag=True, help="Prompt for a password for the web pages.")
def create_user(email, name, organisation, roles, password):
    """Create a user of an organisation with one or more roles."""
    secret = None
    if password:
        secret = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _commit_or_fail(
        lambda: service.create_user(
            email, name, service.organisation_id_for(organisation), list(roles), CLI,
            password=secret,
        )
    )  # fmt: skip
    click.echo(f"Created user {user.id} {user.email} ({', '.join(sorted(user.roles))})")


@users_cli.command("set-password")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input, not a prompt."
)
def set_password(email, password_stdin):
    """Set or reset a user's password for the web pages (audited; lifts login slowdowns)."""
    if password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    user = _commit_or_fail(lambda: service.set_password(service.user_by_email(email), secret, CLI))
    click.echo(f"The password of {user.email} is set.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--days", type=click.IntRange(1, 3650), help="Lifetime in days [TOKEN_DAYS].")
def create_token(email, name, days):
    """Issue an API token for a user; the token is printed this once."""
    days = days or current_app.config["TOKEN_DAYS"]
    token, plain = _commit_or_fail(
        lambda: service.create_token(service.user_by_email(email), CLI, name=name, days=days)
    )
    click.echo(f"Token {token.id} for {email}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC.")
    click.echo("It is shown this once; store it now:")
    click.echo(plain)


@tokens_cli.command("revoke")
@click.argument("token")
def revoke_token(token):
    """Revoke a token, given its id or its prefix (the 12 characters after `sib_`)."""

    def find():
        if token.isdigit():
            return service.token_by_id(int(token))
        return service.token_by_prefix(token.removeprefix("sib_").split("_")[0])

    revoked = _commit_or_fail(lambda: service.revoke_token(find(), CLI))
    click.echo(f"Token {revoked.id} ({revoked.prefix}) is revoked.")


commands = [users_cli, tokens_cli]
