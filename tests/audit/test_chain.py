"""The audit log is a hash chain: a changed, deleted or cut-off row is found and named."""

from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sib import audit, audit_verify
from sib.audit import chain_hash, verify_chain
from sib.extensions import db


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def tampering():
    """SQL straight at the table, as someone with database access would; on PostgreSQL the
    append-only trigger must be switched off first (which needs the table's owner)."""
    with db.engine.begin() as connection:
        if is_postgres():
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        yield connection
        if is_postgres():
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    db.session.rollback()  # a new transaction, as the next request would start, sees the change


def test_an_empty_log_verifies(app):
    assert verify_chain() == {"ok": True, "checked": 0, "first_bad_seq": None, "problem": None,
                              "checkpoint_seq": None, "unsealed": 0}  # fmt: skip


def test_events_chain_each_to_the_one_before(app, append):
    first, second, third = append(3)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == audit.GENESIS_HASH
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert third.hash == chain_hash(second.hash, third.canonical())
    assert verify_chain()["ok"] is True
    assert verify_chain()["checked"] == 3


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("change",      '{"after": {"n": 300}, "before": {"n": 2}}'),
        ("action",      "test.forged"),
        ("actor",       "user:someone-else"),
        ("entity_id",   "99"),
        ("occurred_at", "2020-01-01 00:00:00"),
        ("request_id",  "forged"),
    ],
)  # fmt: skip
def test_a_changed_row_is_reported_by_its_sequence_number(app, column, value, append):
    append(5)
    with tampering() as sql:
        sql.execute(
            text(f"UPDATE audit_events SET {column} = :value WHERE seq = 3"), {"value": value}
        )
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["checked"]) == (False, 3, 2)
    assert "changed" in verdict["problem"]


def test_a_changed_row_with_a_recomputed_hash_is_named_by_its_seal(app, append):
    events = append(5)
    forged = '{"after": {"n": 300}, "before": {"n": 2}}'
    row = {name: getattr(events[2], name) for name in audit.HASHED_COLUMNS} | {"change": forged}
    with tampering() as sql:
        sql.execute(
            text("UPDATE audit_events SET change = :change, hash = :hash WHERE seq = 3"),
            {"change": forged, "hash": chain_hash(events[1].hash, audit.canonical_json(row))},
        )
    # the link to row 4 breaks too, but row 3's seal (keyed) already fails
    assert verify_chain()["first_bad_seq"] == 3


def test_a_rewritten_last_row_is_caught_by_the_chain_head(app, append):
    events = append(3)
    forged = '{"after": {"n": 300}, "before": {"n": 2}}'
    row = {name: getattr(events[2], name) for name in audit.HASHED_COLUMNS} | {"change": forged}
    with tampering() as sql:
        sql.execute(
            text("UPDATE audit_events SET change = :change, hash = :hash WHERE seq = 3"),
            {"change": forged, "hash": chain_hash(events[1].hash, audit.canonical_json(row))},
        )
    assert verify_chain()["first_bad_seq"] == 3


def test_a_deleted_row_is_reported(app, append):
    append(5)
    with tampering() as sql:
        sql.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 3)
    assert verdict["problem"] == "row 3 is missing"


def test_deleted_last_rows_are_reported_through_the_chain_head(app, append):
    append(5)
    with tampering() as sql:
        sql.execute(text("DELETE FROM audit_events WHERE seq >= 4"))
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["checked"]) == (False, 4, 3)


def test_the_chain_continues_from_a_log_written_before_its_head_existed(app, append):
    append(2)
    with db.engine.begin() as sql:
        sql.execute(text("DELETE FROM audit_chain_head"))
    append(2)
    assert verify_chain()["ok"] is True
    assert verify_chain()["checked"] == 4


def test_verification_reads_the_log_in_batches(app, monkeypatch, append):
    monkeypatch.setattr(audit_verify, "VERIFY_BATCH", 2)
    append(5)
    assert verify_chain()["checked"] == 5
    with tampering() as sql:
        sql.execute(text("DELETE FROM audit_events WHERE seq = 5"))
    assert verify_chain()["first_bad_seq"] == 5


def test_the_command_line_exits_1_when_the_chain_is_broken(app, runner, append):
    append(3)
    intact = runner.invoke(args=["audit", "verify"])
    assert (intact.exit_code, "3 event(s) checked" in intact.output) == (0, True)
    with tampering() as sql:
        sql.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 2"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "seq 2" in broken.output


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'forged' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
    ],
)
def test_postgresql_refuses_to_update_or_delete_audit_rows(app, statement, append):
    if not is_postgres():
        pytest.skip("the append-only trigger is PostgreSQL's; TEST_DATABASE_URL is not")
    append(1)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as sql:
        sql.execute(text(statement))
    assert verify_chain()["ok"] is True
