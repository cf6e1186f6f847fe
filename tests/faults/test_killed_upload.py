"""`sib outcomes ingest` of a 100,000-row workbook SIGKILLed while storing its rows (mid-COPY) and
with every row written, waiting to audit: nothing of it is left, the audit chain verifies, and
the same command then stores it whole."""

import io
import json
import time
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import ParticipantRecord, Submission
from outcomes.workbook.catalogue import catalogue_from_terms
from outcomes.workbook.template import template_bytes
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db
from tests.faults import processes
from tests.faults.conftest import REFERENCE, demo_terms, require_postgres

pytestmark = pytest.mark.postgres
#: participant rows of the workbook (one sheet; about 2 s to ingest on PostgreSQL)
ROWS = 100_000
YEARS = (2027, 2028, 2029, 2030)


@pytest.fixture(scope="module")
def big_file(app, tmp_path_factory):
    """The demo contract's template with ROWS participant rows, written by openpyxl write-only."""
    require_postgres(app)
    template = openpyxl.load_workbook(
        io.BytesIO(template_bytes(catalogue_from_terms(demo_terms()))), read_only=True
    )
    book = openpyxl.Workbook(write_only=True)
    for source in template.worksheets:
        sheet = book.create_sheet(source.title)
        # Its headers (and the whole of the small Instructions and Lists sheets), no formulas.
        last = 1 if source.title in ("Values", "Participants") else None
        for row in source.iter_rows(max_row=last, values_only=True):
            sheet.append(row)
        if source.title == "Participants":
            for n in range(ROWS):
                year = YEARS[n % len(YEARS)]
                achieved = date(year, 1, 1) + timedelta(days=n % 365)
                sheet.append([f"P-{n:06d}", "EMP6", None, str(year), achieved, None])
    template.close()
    path = tmp_path_factory.mktemp("upload") / "participants-100k.xlsx"
    book.save(path)
    return path


def stored() -> tuple[int, int, int]:
    """Submissions, participant rows and submission audit events in the database."""
    db.session.rollback()
    count = select(func.count())
    return (db.session.scalar(count.select_from(Submission)),
            db.session.scalar(count.select_from(ParticipantRecord)),
            db.session.scalar(count.where(AuditEvent.action.like("submission.%"))))  # fmt: skip


def copying(backend) -> bool:
    """The participant rows are streaming into the table (COPY ... FROM STDIN)."""
    return backend["state"] == "active" and backend["query"].startswith("COPY")


def waiting_to_audit(backend) -> bool:
    """Every row is written; the audit append waits for the chain lock the test holds."""
    return processes.waiting_for_lock(backend) and "pg_advisory_xact_lock" in backend["query"]


def test_an_ingest_killed_before_it_commits_leaves_nothing_and_succeeds_when_run_again(
    contract, verified, env, tmp_path, big_file
):
    verified()  # the database holds a submission already: "as before" is not "empty"
    before = processes.snapshot()
    assert stored() == (1, 0, 2)
    command = ("outcomes", "ingest", REFERENCE, str(big_file))
    timings = {}
    # (Killed while reading the file, it has written nothing yet: an ingest holds no
    # transaction while it parses; see outcomes/submissions/ingest.py.)
    for point, at_point in (("copying", copying), ("auditing", waiting_to_audit)):
        started = time.monotonic()
        with processes.chain_held():
            process = processes.start_sib(env, tmp_path / f"{point}.log", *command)
            backend = processes.backend_where(at_point, f"the ingest is {point}", process)
            processes.kill(process)
            timings[point] = round(time.monotonic() - started, 2)
        processes.gone(backend["pid"])
        assert process.returncode == -9
        assert processes.changed(before, processes.snapshot()) == [], point
        assert verify_chain()["ok"] is True, point

    started = time.monotonic()
    process = processes.start_sib(env, tmp_path / "again.log", *command)
    assert process.wait(timeout=120) == 0, (tmp_path / "again.log").read_text()[-3000:]
    timings["whole ingest"] = round(time.monotonic() - started, 2)
    print(f"\nkilled ingest of {ROWS} rows, seconds from start to kill: {json.dumps(timings)}")
    assert "Stored submission" in (tmp_path / "again.log").read_text()
    assert stored() == (2, ROWS, 3)
    assert verify_chain()["ok"] is True
