"""A log written before sealing began still verifies, explicitly and only as far as vouched for.

Rows from before the upgrade carry no seal (the migration adds the column empty). They pass
up to AUDIT_UNSEALED_UNTIL, and only before the first sealed row, which anchors them: an edit
to one of them breaks the link into the first sealed row, which cannot be re-sealed.
"""

import pytest
from sqlalchemy import text

from sib.audit import verify_chain
from tests.audit.intruder import rewrite, rows, unkeyed_hash


@pytest.fixture
def upgraded_log(append, tamper, app, monkeypatch):
    """Three events written before the upgrade (no seal), then two sealed ones."""
    append(3)
    with tamper() as sql:
        sql.execute(text("UPDATE audit_events SET seal = NULL, key_id = NULL"))
    append(2)
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_UNTIL", 3)


def test_rows_from_before_the_upgrade_pass_when_vouched_for(upgraded_log):
    verdict = verify_chain()
    assert (verdict["ok"], verdict["checked"], verdict["unsealed"]) == (True, 5, 3)


def test_rows_from_before_the_upgrade_fail_unless_vouched_for(upgraded_log, app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_UNTIL", 0)
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 1)
    assert "AUDIT_UNSEALED_UNTIL" in verdict["problem"]


def test_an_edit_to_an_unsealed_row_is_found_at_the_first_sealed_row(upgraded_log, tamper):
    with tamper() as sql:
        stored = rows(sql)
        prev_hash = stored[0]["hash"]
        for row in stored[1:3]:  # rows 2 and 3, recomputed the old way
            row["change"] = (
                '{"after": {"n": 999}, "before": null}' if row["seq"] == 2 else row["change"]
            )
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = unkeyed_hash(prev_hash, row)
            rewrite(sql, row)
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 4)
    assert verdict["problem"] == "row 4 does not follow the row before it"


def test_a_stripped_seal_after_the_first_sealed_row_is_named(upgraded_log, tamper, app,
                                                            monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_UNTIL", 10)  # even vouched for too far
    with tamper() as sql:
        sql.execute(text("UPDATE audit_events SET seal = NULL WHERE seq = 5"))
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 5)
    assert verdict["problem"].startswith("row 5 has no seal")


def test_a_checkpoint_remembers_where_sealing_began(upgraded_log, tamper, app, monkeypatch,
                                                   runner, outbox):  # fmt: skip
    runner.invoke(args=["audit", "checkpoint"])
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_UNTIL", 10)
    with tamper() as sql:  # strip every seal: the log looks as if never sealed
        sql.execute(text("UPDATE audit_events SET seal = NULL, key_id = NULL"))
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 4)


def test_an_edit_to_unsealed_rows_is_found_at_a_checkpoints_row(append, tamper, app, monkeypatch,
                                                                runner, outbox):  # fmt: skip
    append(3)
    with tamper() as sql:
        sql.execute(text("UPDATE audit_events SET seal = NULL, key_id = NULL"))
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_UNTIL", 3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0  # signs row 3 as it is
    with tamper() as sql:
        stored = rows(sql)
        prev_hash = stored[0]["hash"]
        for row in stored[1:]:
            row["entity_id"] = "forged" if row["seq"] == 2 else row["entity_id"]
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = unkeyed_hash(prev_hash, row)
            rewrite(sql, row)
        sql.execute(text("UPDATE audit_chain_head SET hash = :h"), {"h": prev_hash})
    verdict = verify_chain()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 3)
    assert verdict["problem"].startswith("row 3 is not the row the checkpoint of")
