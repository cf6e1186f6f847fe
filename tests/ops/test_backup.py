"""`sib db backup FILE` of a live database, and the copy restored: same audit chain, same money.

A backup is taken while another connection holds an uncommitted write: the copy has the last
committed state, the audit chain verifies on it, and an investor statement read from it is
byte for byte the one the live database gives.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import date

import psycopg
import pytest
from sqlalchemy.engine import URL

from outcomes.payments.approvals import approve_run
from outcomes.payments.service import compute_run
from sib.extensions import db
from tests.ops.copies import STATEMENT, audit_verify, fetch
from tests.outcomes.payments.conftest import SYSTEM, drawn, figures  # noqa: F401


@pytest.fixture
def approved(figures, drawn, make_user, make_token):  # noqa: F811
    """Runs for 2027 and 2028 approved by every payer; an investor's token to read them."""
    for label in ("2027", "2028"):
        run, _ = compute_run(drawn, label, SYSTEM, today=date(2031, 4, 1))  # all due
        for payer in run.payers:
            approve_run(run, payer.organisation_id, SYSTEM)
        db.session.commit()
    return make_token(make_user("investor", "malar_fund"))


def test_a_sqlite_backup_of_a_live_database_verifies_and_states_the_same(
    app, client, runner, approved, tmp_path
):
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        pytest.skip("the SQLite online backup (PostgreSQL: see the pg_dump test)")
    live = client.get(STATEMENT, headers={"Authorization": f"Bearer {approved}"})
    assert live.status_code == 200
    copy = tmp_path / "backup.sqlite"

    writer = sqlite3.connect(url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO organisations (slug, name, kind) VALUES ('ghost', 'G', 'other')")
    try:
        result = runner.invoke(args=["db", "backup", str(copy)])
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert result.exit_code == 0, result.output
    assert f"to {copy}" in result.output
    assert not copy.with_name("backup.sqlite.partial").exists()
    with sqlite3.connect(copy) as opened:
        assert opened.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ghosts = opened.execute("SELECT count(*) FROM organisations WHERE slug = 'ghost'")
        assert ghosts.fetchone() == (0,)
    copy_url = f"sqlite:///{copy}"
    code, words = audit_verify(copy_url)
    assert code == 0, words
    assert re.search(r"Audit chain intact: [1-9]\d* event", words)
    assert fetch(copy_url, STATEMENT, approved) == {"status": 200, "body": live.get_json()}


def test_backing_up_a_missing_sqlite_file_fails_plainly(app, runner, tmp_path, monkeypatch):
    from sib.ops.backup import BackupError, backup_database

    with pytest.raises(BackupError, match="no SQLite database at"):
        backup_database(
            URL.create("sqlite", database=str(tmp_path / "nope.sqlite")), tmp_path / "b"
        )
    assert not (tmp_path / "nope.sqlite").exists()


def libpq(url: URL, database: str | None = None) -> str:
    bare = URL.create("postgresql", url.username, url.password, url.host, url.port,
                      database or url.database)  # fmt: skip
    return bare.render_as_string(hide_password=False)


@pytest.fixture
def restore_target(app):
    """An empty database beside the test database, emptied again afterwards; its URL.

    Kept between runs and emptied by dropping its schema: DROP DATABASE forces a checkpoint,
    which takes tens of seconds on a busy server.
    """
    url = db.engine.url
    name = f"{url.database}_restore"
    with psycopg.connect(libpq(url, "postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if found.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    empty_schema(libpq(url, name))
    yield url.set(database=name)
    empty_schema(libpq(url, name))


def empty_schema(libpq_url: str) -> None:
    with psycopg.connect(libpq_url, autocommit=True) as target:
        target.execute("DROP SCHEMA IF EXISTS public CASCADE")
        target.execute("CREATE SCHEMA public")


@pytest.mark.postgres
def test_a_pg_dump_of_a_live_database_restores_to_the_same_chain_and_statement(
    app, client, runner, approved, tmp_path, request
):
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    target = request.getfixturevalue("restore_target")
    live = client.get(STATEMENT, headers={"Authorization": f"Bearer {approved}"})
    dump = tmp_path / "sib.dump"

    with psycopg.connect(libpq(url)) as writer:  # a transaction left open through the dump
        writer.execute(
            "INSERT INTO organisations (slug, name, kind) VALUES ('ghost', 'G', 'other')"
        )
        result = runner.invoke(args=["db", "backup", str(dump)])
        writer.rollback()
    assert result.exit_code == 0, result.output

    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq(target, target.database),
         str(dump)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PGPASSWORD": url.password or ""},
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    with psycopg.connect(libpq(target, target.database)) as restored:
        ghosts = restored.execute("SELECT count(*) FROM organisations WHERE slug = 'ghost'")
        assert ghosts.fetchone() == (0,)
    target_url = target.render_as_string(hide_password=False)
    code, words = audit_verify(target_url)
    assert code == 0, words
    assert re.search(r"Audit chain intact: [1-9]\d* event", words)
    assert fetch(target_url, STATEMENT, approved) == {"status": 200, "body": live.get_json()}


@pytest.mark.postgres
def test_a_failed_pg_dump_leaves_no_file_that_looks_whole(app, tmp_path):
    from sib.ops.backup import BackupError, backup_database

    url = db.engine.url
    if url.get_backend_name() != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and pg_dump")
    with pytest.raises(BackupError, match="pg_dump failed"):
        backup_database(url.set(database="no_such_database_sib"), tmp_path / "sib.dump")
    assert list(tmp_path.iterdir()) == []
