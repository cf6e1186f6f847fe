"""Fixtures for the audit log's tests: appending events, tampering as an intruder, an outbox."""

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from sib import audit
from sib.actor import Actor
from sib.extensions import db


@pytest.fixture
def append(app):
    """A factory: append `count` events (entity ids 1..count) and commit them."""

    def append_(count: int) -> list[audit.AuditEvent]:
        events = [
            audit.record(
                "test.happened",
                actor=Actor.system("test"),
                entity_type="thing",
                entity_id=n,
                before={"n": n - 1},
                after={"n": n},
            )
            for n in range(1, count + 1)
        ]
        db.session.commit()
        return events

    return append_


@pytest.fixture
def tamper(app):
    """A context manager: SQL straight at the tables, as someone with database access would.

    On PostgreSQL the append-only trigger is switched off first (which needs the owner).
    """

    @contextmanager
    def tampering():
        postgres = db.engine.dialect.name == "postgresql"
        db.session.rollback()  # the test's own reads must not hold locks TRUNCATE waits for
        with db.engine.begin() as connection:
            if postgres:
                connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            yield connection
            if postgres:
                connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        db.session.rollback()  # the next transaction, as the next request's, sees the change

    return tampering


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """This test's own checkpoint outbox (AUDIT_CHECKPOINT_DIR)."""
    folder = tmp_path / "audit-checkpoints"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(folder))
    return folder


@pytest.fixture
def export_log(client, tmp_path):
    """A factory: pull the whole log page by page, as an auditor does, into one file of pages."""

    def export_(headers, limit: int = 2, name: str = "export.json"):
        pages, after = [], 0
        while after is not None:
            query = {"after": after, "limit": limit}
            page = client.get("/api/v1/audit/events", query_string=query, headers=headers)
            pages.append(page.get_json())
            after = pages[-1]["next_after"]
        path = tmp_path / name
        path.write_text(json.dumps(pages))
        return path

    return export_


@pytest.fixture
def auditor(auth_headers):
    return auth_headers("auditor", "region")  # its user and token: events 1 and 2


@pytest.fixture
def public_key_file(runner, tmp_path):
    """The public key as `sib audit public-key` prints it, saved for the auditor."""
    path = tmp_path / "audit-signing.pem"
    path.write_text(runner.invoke(args=["audit", "public-key"]).stdout)
    return path
