"""The auditor's offline check: an export of the log, checkpoints and the public key; no secret.

Each case damages the database as someone with access to it would, then exports the log through
the API as the auditor does, and checks the export against a checkpoint taken before.
"""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from config import BASE_DIR
from tests.audit.intruder import move_head, rewrite, rows, unkeyed_hash


@pytest.fixture
def checkpoint(client, auditor):
    """A factory: the log's head, signed now, as the auditor keeps it (its token)."""

    def take() -> str:
        answer = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()
        return answer["current"]["token"]

    return take


def check_export(runner, exports, public_key, *checkpoints) -> tuple[int, str]:
    held = [arg for c in checkpoints for arg in ("--checkpoint", str(c))]
    files = [str(e) for e in (exports if isinstance(exports, list) else [exports])]
    args = ["audit", "check-export", *files, *held, "--public-key", str(public_key)]
    result = runner.invoke(args=args)
    return result.exit_code, " ".join(result.output.split())


def test_an_honest_export_passes(append, auditor, checkpoint, export_log, public_key_file, runner):
    append(3)  # events 3..5
    token = checkpoint()
    code, output = check_export(runner, export_log(auditor), public_key_file, token)
    assert (code, output) == (0, "Export intact: 5 event(s) checked, anchored at seq 5 by "
                                 "1 checkpoint(s).")  # fmt: skip


def test_events_after_the_last_checkpoint_are_reported_unanchored(
    append, auditor, checkpoint, export_log, public_key_file, runner
):
    append(1)
    token = checkpoint()  # seq 3
    append(2)
    pages = json.loads(export_log(auditor, limit=2).read_text())
    files = [public_key_file.with_name(f"page-{n}.json") for n in range(len(pages))]
    for path, page in zip(files, pages, strict=True):  # one file per page, given in any order
        path.write_text(json.dumps(page))
    code, output = check_export(runner, files[::-1], public_key_file, token)
    assert code == 0
    assert output.endswith("anchored at seq 3 by 1 checkpoint(s). Events 4 to 5 are chained "
                           "but no checkpoint given vouches for them yet.")  # fmt: skip


def delete_row_2(sql) -> None:
    sql.execute(text("DELETE FROM audit_events WHERE seq = 2"))


def edit_row_4(sql) -> None:
    sql.execute(text("UPDATE audit_events SET entity_id = 'edited' WHERE seq = 4"))


def delete_the_tail(sql) -> None:
    kept = sql.execute(text("SELECT hash FROM audit_events WHERE seq = 3")).scalar()
    sql.execute(text("DELETE FROM audit_events WHERE seq > 3"))
    move_head(sql, 3, kept)


@pytest.mark.parametrize(
    ("damage",        "bad", "problem"),
    [
        (edit_row_4,      4,     "row 4 was changed after it was written"),
        (delete_row_2,    2,     "row 2 is missing"),
        (delete_the_tail, 4,     "the log ends at 3 but the checkpoint of"),
    ],
)  # fmt: skip
def test_a_damaged_log_is_named_at_its_first_bad_row(
    append, auditor, checkpoint, export_log, public_key_file, runner, tamper, damage, bad, problem
):
    append(3)  # events 3..5
    token = checkpoint()
    with tamper() as sql:
        damage(sql)
    code, output = check_export(runner, export_log(auditor), public_key_file, token)
    assert code == 1
    assert output.startswith(f"Export BROKEN at seq {bad}: {problem}")
    assert output.endswith(f"({bad - 1} event(s) sound before it).")


def test_a_row_edited_and_the_chain_recomputed_is_placed_between_two_checkpoints(
    append, auditor, checkpoint, export_log, public_key_file, runner, tamper
):
    append(2)
    first = checkpoint()  # seq 4
    append(3)
    second = checkpoint()  # seq 7
    with tamper() as sql:  # row 6 edited, rows 6 and 7 rehashed with the public recipe
        stored = rows(sql)
        prev_hash = stored[4]["hash"]
        for row in stored[5:]:
            row["entity_id"] = "edited" if row["seq"] == 6 else row["entity_id"]
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = unkeyed_hash(prev_hash, row)
            rewrite(sql, row)
        move_head(sql, 7, prev_hash)
    code, output = check_export(runner, export_log(auditor), public_key_file, first, second)
    assert code == 1
    assert "BROKEN at seq 7: row 7 is not the row the checkpoint of" in output
    assert "a row from 5 to 7 was changed and every hash after it recomputed" in output


def test_an_outbox_folder_is_read_whole(append, auditor, export_log, public_key_file, runner,
                                        outbox):  # fmt: skip
    append(1)
    runner.invoke(args=["audit", "checkpoint"])
    append(1)
    runner.invoke(args=["audit", "checkpoint"])
    code, output = check_export(runner, export_log(auditor), public_key_file, outbox)
    assert (code, "anchored at seq 4 by 2 checkpoint(s)." in output) == (0, True)


def test_an_export_without_every_hashed_column_is_refused(
    append, auditor, checkpoint, export_log, public_key_file, runner
):
    token = checkpoint()
    export = export_log(auditor)
    pages = json.loads(export.read_text())
    del pages[0]["events"][0]["change_text"]
    export.write_text(json.dumps(pages))
    code, output = check_export(runner, export, public_key_file, token)
    assert code == 2
    assert "event 1 (seq 1) lacks change_text: export the log with GET /api/v1/audit/events" \
        in output  # fmt: skip


def test_without_a_checkpoint_an_export_proves_nothing(auditor, export_log, public_key_file,
                                                       runner):  # fmt: skip
    code, output = check_export(runner, export_log(auditor), public_key_file)
    assert code == 2
    assert "Missing option '--checkpoint'" in output


def test_the_check_needs_no_database_and_no_audit_key(
    append, auditor, checkpoint, export_log, public_key_file, tmp_path
):
    append(2)
    token, export = checkpoint(), export_log(auditor)
    # a machine of the auditor's: no database to reach, another audit key, no outbox
    env = {**os.environ, "SIB_ENV": "development", "SIB_INSTANCE_PATH": str(tmp_path / "i"),
           "DATABASE_URL": "postgresql+psycopg://nobody:none@127.0.0.1:9/none",
           "AUDIT_KEY": "not-the-service-key", "AUDIT_CHECKPOINT_DIR": "",
           "PYTHONPATH": str(BASE_DIR)}  # fmt: skip
    env.pop("AUDIT_SIGNING_KEY", None)  # nor its signing key: the public key is given
    sib = [sys.executable, "-c", "from sib.cli import main; main()"]
    command = [*sib, "audit", "check-export", str(export), "--checkpoint", token,
               "--public-key", str(public_key_file)]  # fmt: skip
    done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert (done.returncode, done.stdout.split(":")[0]) == (0, "Export intact"), done.stderr
