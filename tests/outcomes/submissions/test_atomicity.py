"""All or nothing: a crash at any step of storing a workbook leaves the database as it was."""

import pytest
from sqlalchemy import func, select

from outcomes.submissions import ingest, service, storage
from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from outcomes.submissions.settings import settings_from
from outcomes.workbook.limits import WorkbookError
from sib.actor import Actor
from sib.audit import AuditEvent
from sib.extensions import db

TABLES = (Submission, OutcomeRecord, ParticipantRecord, AuditEvent)


def snapshot() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in TABLES)


class CrashError(RuntimeError):
    """The process dying mid-store, as far as the transaction can tell."""


def crash_on_second_insert(monkeypatch):
    # The Values rows go in, then the Participants rows fail.
    real, calls = storage.insert_rows, []

    def insert_then_crash(model, rows, stored=bool):
        calls.append(model)
        if len(calls) == 2:
            raise CrashError("disk full")
        return real(model, rows, stored)

    monkeypatch.setattr(storage, "insert_rows", insert_then_crash)


def crash_in_the_audit_entry(monkeypatch):
    def crash(*args, **kwargs):
        raise CrashError("audit log unavailable")

    monkeypatch.setattr(ingest.audit, "record", crash)


def crash_after_the_submission_row(monkeypatch):
    def crash(*args, **kwargs):
        raise CrashError("killed")

    monkeypatch.setattr(ingest, "store_rows", crash)


@pytest.mark.parametrize(
    "crash",
    [crash_after_the_submission_row, crash_on_second_insert, crash_in_the_audit_entry],
)
def test_a_crash_mid_store_leaves_the_database_as_before(
    crash, monkeypatch, client, good_file, upload, officer
):
    before = snapshot()
    crash(monkeypatch)

    with pytest.raises(CrashError):
        upload(good_file, officer)
    # What the request's teardown does in production: the unfinished transaction is dropped.
    db.session.rollback()

    assert snapshot() == before


def test_after_a_crash_the_same_file_is_accepted_whole(
    monkeypatch, client, good_file, upload, officer
):
    crash_on_second_insert(monkeypatch)
    with pytest.raises(CrashError):
        upload(good_file, officer)
    db.session.rollback()
    monkeypatch.undo()

    response = upload(good_file, officer)

    assert response.status_code == 201
    assert snapshot()[:3] == (1, 3, 2)


def test_a_refused_file_leaves_nothing_even_if_the_caller_commits(app, contract):
    settings = settings_from(app.config)

    with pytest.raises(WorkbookError):
        service.ingest_file(contract, "a.csv", b"metric;value\n", Actor.system("test"),
                            settings=settings)  # fmt: skip
    db.session.commit()

    assert snapshot()[:3] == (0, 0, 0)
