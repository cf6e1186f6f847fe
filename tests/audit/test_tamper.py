"""Tampering by someone with database access but without the audit key is found, by row.

The cases issue 12 saw go undetected: a forged row with the chain head moved to it; an edited
row with every later hash recomputed (the plain SHA-256 recipe needs no key); the last rows
deleted together with the head; both tables truncated. The first two are found by the seals
alone; the last two need a checkpoint published before the damage.
"""

import pytest
from sqlalchemy import text

from sib.extensions import db
from tests.audit.intruder import EVENTS, move_head, rewrite, rows, unkeyed_hash

FORGED_CHANGE = '{"after": {"n": 999}, "before": null}'


def verify(runner, *checkpoints: str) -> tuple[int, str]:
    args = ["audit", "verify"] + [a for c in checkpoints for a in ("--checkpoint", c)]
    result = runner.invoke(args=args)
    return result.exit_code, result.output


def publish_checkpoint(runner) -> None:
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0


@pytest.mark.parametrize(
    ("seal", "key_id"),
    [
        (None,     None),                # the pre-key recipe: no seal at all
        ("ab" * 32, "copied-below"),     # a made-up seal under the real key's id
    ],
)  # fmt: skip
def test_a_forged_row_with_the_head_moved_to_it_is_named(append, tamper, runner, seal, key_id):
    append(3)
    with tamper() as sql:
        last = rows(sql)[-1]
        forged = last | {"seq": 4, "entity_id": "forged", "change": FORGED_CHANGE}
        forged |= {"prev_hash": last["hash"], "seal": seal}
        forged["key_id"] = last["key_id"] if key_id else None
        forged["hash"] = unkeyed_hash(last["hash"], forged)
        sql.execute(EVENTS.insert().values(**forged))
        move_head(sql, 4, forged["hash"])
    code, output = verify(runner)
    assert code == 1
    assert "BROKEN at seq 4: row 4" in output


@pytest.mark.parametrize("keep_seals", [False, True])
def test_an_edited_row_with_later_hashes_recomputed_unkeyed_is_named(
    append, tamper, runner, keep_seals
):
    append(5)
    with tamper() as sql:
        stored = rows(sql)
        prev_hash = stored[1]["hash"]
        for row in stored[2:]:  # rows 3, 4, 5
            if row["seq"] == 3:
                row["change"] = FORGED_CHANGE
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = unkeyed_hash(prev_hash, row)
            if not keep_seals:
                row["seal"] = row["key_id"] = None
            rewrite(sql, row)
        move_head(sql, 5, prev_hash)
    code, output = verify(runner)
    assert code == 1
    assert "BROKEN at seq 3: row 3" in output
    assert "2 event(s) sound before it" in output


def test_the_last_rows_deleted_with_the_head_are_named_against_a_checkpoint(
    append, tamper, runner, outbox
):
    append(5)
    publish_checkpoint(runner)
    with tamper() as sql:
        kept = rows(sql)[2]
        sql.execute(text("DELETE FROM audit_events WHERE seq > 3"))
        move_head(sql, 3, kept["hash"])
    code, output = verify(runner)
    assert code == 1
    assert "BROKEN at seq 4: the log ends at 3 but the checkpoint of" in output
    assert "recorded 5 event(s): rows deleted" in output


def test_both_tables_truncated_after_a_checkpoint_fail_at_row_1(append, tamper, runner, outbox):
    append(3)
    publish_checkpoint(runner)
    with tamper() as sql:
        if sql.dialect.name == "postgresql":
            sql.execute(text("TRUNCATE audit_events, audit_chain_head"))
        else:
            sql.execute(text("DELETE FROM audit_events"))
            sql.execute(text("DELETE FROM audit_chain_head"))
    code, output = verify(runner)
    assert code == 1
    assert "BROKEN at seq 1: the log is empty but the checkpoint of" in output


def test_a_log_rewritten_unkeyed_from_row_1_is_named_at_row_1(append, tamper, runner):
    append(3)
    with tamper() as sql:
        prev_hash = "0" * 64
        for row in rows(sql):
            row["change"] = FORGED_CHANGE if row["seq"] == 2 else row["change"]
            row["prev_hash"], row["seal"], row["key_id"] = prev_hash, None, None
            row["hash"] = prev_hash = unkeyed_hash(prev_hash, row)
            rewrite(sql, row)
        move_head(sql, 3, prev_hash)
    code, output = verify(runner)
    # nothing may be unsealed (AUDIT_UNSEALED_UNTIL is 0): the first stripped row is named
    assert code == 1
    assert "BROKEN at seq 1: row 1 has no seal" in output


def test_an_untouched_log_verifies_against_its_checkpoints(append, runner, outbox):
    append(2)
    publish_checkpoint(runner)
    append(2)
    publish_checkpoint(runner)
    code, output = verify(runner)
    assert (code, output.strip()) == (0, "Audit chain intact: 4 event(s) checked, anchored "
                                         "at seq 4.")  # fmt: skip


def test_truncation_is_invisible_without_a_checkpoint(append, tamper, runner):
    # Why checkpoints exist: what the database alone holds, the intruder can remove whole.
    append(3)
    with tamper() as sql:
        sql.execute(text("DELETE FROM audit_events"))
        sql.execute(text("DELETE FROM audit_chain_head"))
    assert verify(runner) == (0, "Audit chain intact: 0 event(s) checked.\n")
    assert db.session.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
