"""The inbox takes plain files only, for the user its folder is configured for, and keeps no
original: directories, links and FIFOs are set aside, one bad entry never stops the others."""

import json
import os
import threading
import zipfile
from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from contracts.models import Organisation
from outcomes.submissions.models import Submission
from sib.audit import AuditEvent
from sib.extensions import db
from tests.outcomes.submissions.workbooks import PERSON_B


def scan(scheduler):
    """Two inbox runs: the first sees each file, the second takes those that held still.

    Their outcome (both the same, else a list) and the sum of their counts."""
    job = next(j for j in scheduler.jobs if j.name == "inbox")
    runs = [scheduler.run_job(job) for _ in range(2)]
    outcomes = {run.outcome for run in runs}
    totals = Counter()
    for run in runs:
        totals.update(json.loads(run.counts))
    return (outcomes.pop() if len(outcomes) == 1 else sorted(outcomes)), dict(totals)


def count_of(counts, **expected):
    """The counts named, so a test states only what it is about."""
    return {name: counts[name] for name in expected}


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


def test_a_file_is_submitted_for_the_configured_user_and_audited_as_from_the_inbox(
    make_scheduler, inbox, workbook, uploader
):
    (inbox / "outcomes.xlsx").write_bytes(workbook())
    assert scan(make_scheduler())[1]["ingested"] == 1
    framsteg = db.session.scalar(select(Organisation).where(Organisation.slug == "framsteg"))
    submission = db.session.scalar(select(Submission))
    assert (submission.uploaded_by, submission.uploaded_by_organisation_id, submission.source) == (
        "user:ekonomi@framsteg.test", framsteg.id, "inbox")  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "submission.validated"))
    change = json.loads(event.change)
    assert (event.actor, event.actor_user_id, event.actor_organisation_id) == (
        "user:ekonomi@framsteg.test", uploader.id, framsteg.id)  # fmt: skip
    assert change["after"]["source"] == "inbox"


@pytest.mark.parametrize(
    "configured",
    [
        {},                                                                    # no entry
        {"organisation": "framsteg"},                                          # no user
        {"organisation": "botkyrka", "user": "ekonomi@framsteg.test"},         # not its org
        {"organisation": "framsteg", "user": "nobody@framsteg.test"},          # no such user
        {"organisation": "malar_fund", "user": "fund@malar.test"},             # an investor
        {"organisation": "malar_fund", "user": "finance@malar.test"},          # ditto, officer
    ],
)  # fmt: skip
def test_a_folder_without_a_valid_configuration_is_not_ingested(
    make_scheduler, inbox, workbook, folders, make_user, configured
):
    make_user("investor", "malar_fund", email="fund@malar.test")
    make_user("finance_officer", "malar_fund", email="finance@malar.test")
    folders.write_text(json.dumps({inbox.name: configured} if configured else {}))
    (inbox / "outcomes.xlsx").write_bytes(workbook())
    outcome, counts = scan(make_scheduler())
    # Reported by each of the two scans, and left where it is.
    assert (outcome, count_of(counts, unconfigured=2, ingested=0)) == (
        "ok", {"unconfigured": 2, "ingested": 0})  # fmt: skip
    assert (stored(), sorted(p.name for p in inbox.iterdir())) == (0, ["outcomes.xlsx"])


def test_a_directory_named_like_a_workbook_is_set_aside_and_the_others_are_taken(
    make_scheduler, inbox, workbook
):
    (inbox / "x.xlsx").mkdir()
    (inbox / "y.xlsx").write_bytes(workbook())
    outcome, counts = scan(make_scheduler())
    assert (outcome, count_of(counts, refused=1, ingested=1)) == (
        "ok", {"refused": 1, "ingested": 1})  # fmt: skip
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == ["x.errors.txt", "x.xlsx"]
    assert "a directory" in (inbox / "rejected" / "x.errors.txt").read_text()


def test_a_symlink_to_a_file_outside_the_inbox_is_not_followed(
    make_scheduler, inbox, workbook, tmp_path
):
    outside, data = tmp_path / "someone-elses.xlsx", workbook()
    outside.write_bytes(data)
    (inbox / "link.xlsx").symlink_to(outside)
    (inbox / "hard.xlsx").hardlink_to(outside)
    outcome, counts = scan(make_scheduler())
    assert (outcome, count_of(counts, refused=2, ingested=0)) == (
        "ok", {"refused": 2, "ingested": 0})  # fmt: skip
    assert stored() == 0
    assert outside.read_bytes() == data
    assert (inbox / "rejected" / "link.xlsx").is_symlink()


def test_a_fifo_does_not_hang_the_scan_and_the_others_are_taken(make_scheduler, inbox, workbook):
    os.mkfifo(inbox / "pipe.xlsx")
    (inbox / "good.xlsx").write_bytes(workbook())
    scheduler = make_scheduler()
    answer = []
    # In a thread only so that a hang fails the test instead of stalling the suite.
    worker = threading.Thread(target=lambda: answer.append(scan(scheduler)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the inbox scan hung on a FIFO"
    outcome, counts = answer[0]
    assert (outcome, count_of(counts, refused=1, ingested=1)) == (
        "ok", {"refused": 1, "ingested": 1})  # fmt: skip


def test_a_rejected_file_leaves_only_its_masked_errors_workbook(make_scheduler, inbox, workbook):
    # An identity number in the file name and in a participant row of a file with a bad row.
    rows = [("NOPE", "2027", None, 1, None)]
    participants = [(PERSON_B, "EMP6", "2027", date(2027, 10, 2), None)]
    (inbox / "811218-9876 utfall.xlsx").write_bytes(workbook(rows, participants))
    assert scan(make_scheduler())[1]["rejected"] == 1
    kept = sorted(p.name for p in (inbox / "rejected").iterdir())
    assert kept == ["*** utfall.errors.xlsx"]
    with zipfile.ZipFile(BytesIO((inbox / "rejected" / kept[0]).read_bytes())) as book:
        text = b"".join(book.read(name) for name in book.namelist())
    assert b"811218" not in text
    assert db.session.scalar(select(Submission.file_name)) == "*** utfall.xlsx"


def test_a_rejected_folder_that_is_a_link_is_not_written_through(
    make_scheduler, inbox, workbook, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (inbox / "rejected").symlink_to(elsewhere)
    (inbox / "wrong.xlsx").write_bytes(workbook([("NOPE", "2027", None, 1, None)]))
    (inbox / "good.xlsx").write_bytes(workbook())
    outcome, counts = scan(make_scheduler())
    assert (outcome, count_of(counts, failed=1, ingested=1)) == (
        "ok", {"failed": 1, "ingested": 1})  # fmt: skip
    assert list(elsewhere.iterdir()) == []


def test_a_file_over_the_size_limit_is_rejected_unread(make_scheduler, inbox, workbook):
    (inbox / "big.xlsx").write_bytes(workbook())
    outcome, counts = scan(make_scheduler(MAX_UPLOAD_BYTES=1000))
    assert (outcome, count_of(counts, rejected=1), stored()) == ("ok", {"rejected": 1}, 0)
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == ["big.errors.txt"]
    assert "larger than the 1,000 bytes" in (inbox / "rejected" / "big.errors.txt").read_text()
