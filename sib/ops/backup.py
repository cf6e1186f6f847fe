"""`sib db backup FILE`: a consistent copy of the live database, taken while it serves.

SQLite: the sqlite3 online backup API (a page-by-page copy of one snapshot; writers go on).
PostgreSQL: pg_dump's custom format (one snapshot in a repeatable-read transaction), restored
with pg_restore. The copy is written beside FILE and renamed into place when complete, so an
interrupted backup never leaves a file that looks whole.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from sib.extensions import db


class BackupError(Exception):
    """The backup could not be taken."""


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the live database to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc)."""
    try:
        described = backup_database(db.engine.url, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {described} to {file}.")


def backup_database(url: URL, file: Path) -> str:
    """Back the database at `url` up to `file`; return what was copied, in words."""
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    methods = {"sqlite": _backup_sqlite, "postgresql": _backup_postgresql}
    method = methods.get(url.get_backend_name())
    if method is None:
        raise BackupError(f"no backup method for {url.get_backend_name()} databases")
    try:
        described = method(url, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(file)
    return described


def _backup_sqlite(url: URL, target: Path) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing on disk to back up")
    if not Path(url.database).is_file():
        raise BackupError(f"no SQLite database at {url.database}")
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: one step, so the copy is of a single snapshot even while others write.
        source.backup(copy, pages=-1)
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
    finally:
        copy.close()
        source.close()
    return f"SQLite database {url.database} ({pages} pages)"


def _backup_postgresql(url: URL, target: Path) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    command = [pg_dump, "--format=custom", "--no-owner", "--file", str(target)]
    command += ["--dbname", libpq_url(url)]
    # The password goes through the environment, never the command line (visible in ps).
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return f"PostgreSQL database {url.database} ({target.stat().st_size} bytes, custom format)"


def libpq_url(url: URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver name, no password."""
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)
