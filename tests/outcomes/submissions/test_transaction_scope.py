"""An upload holds no transaction (and no pooled connection) while its workbook is read.

Reading a large workbook takes a minute; only storing it happens in a transaction, a short one
that looks for the same file again and checks the contract was not amended meanwhile.
"""

import copy
import io
import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from contracts.service import amend_contract, contract_by_reference
from outcomes.submissions import ingest
from outcomes.submissions.models import OutcomeRecord, Submission
from outcomes.submissions.settings import settings_from
from sib.actor import Actor
from sib.audit import AuditEvent
from sib.extensions import db
from tests.outcomes.submissions.workbooks import BASE, TERMS, XLSX, filled

IDLE_IN_TRANSACTION = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
)


def database_state() -> dict:
    """What the database side looks like at this moment, from the parsing thread's view."""
    state = {"in_transaction": db.session().in_transaction(),
             "checked_out": db.engine.pool.checkedout()}  # fmt: skip
    if db.engine.dialect.name == "postgresql":
        # A connection of its own, outside the app's pool, so looking does not change the count.
        observer = create_engine(db.engine.url, poolclass=NullPool)
        with observer.connect() as connection:
            state["idle_in_transaction"] = connection.scalar(IDLE_IN_TRANSACTION)
        observer.dispose()
    return state


@pytest.fixture
def during_parse(monkeypatch):
    """Record the database state each time a workbook is parsed, then run what is set there:
    `once` at the first parse only, `also` at every parse."""
    real, seen = ingest.parse_workbook, []

    def parse(*args, **kwargs):
        seen.append(database_state())
        if hasattr(parse, "once"):
            parse.__dict__.pop("once")()
        if hasattr(parse, "also"):
            parse.also()
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "parse_workbook", parse)
    parse.seen = seen
    return parse


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


NOTHING_OPEN = {"in_transaction": False, "checked_out": 0}


def test_an_upload_is_parsed_with_no_transaction_open(during_parse, good_file, upload, officer):
    response = upload(good_file, officer)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(during_parse.seen) == 1
    assert {k: during_parse.seen[0][k] for k in NOTHING_OPEN} == NOTHING_OPEN
    assert during_parse.seen[0].get("idle_in_transaction", 0) == 0


def test_a_file_with_problems_is_parsed_with_no_transaction_open(
    during_parse, template, upload, officer
):
    bad = filled(template, [("NOPE", "2027", None, 1, None)])

    response = upload(bad, officer)

    assert response.status_code == 422
    assert {k: during_parse.seen[0][k] for k in NOTHING_OPEN} == NOTHING_OPEN
    assert during_parse.seen[0].get("idle_in_transaction", 0) == 0
    assert count(Submission, Submission.status == "rejected") == 1


def test_an_inbox_ingest_ends_the_callers_read_before_parsing(app, during_parse, contract,
                                                               good_file):  # fmt: skip
    count(Submission)  # the scheduler has read before it ingests: its transaction is open
    assert db.session().in_transaction()

    submission, created = ingest.ingest_file(contract, "inbox.xlsx", good_file,
                                             Actor.system("scheduler"), source="inbox",
                                             settings=settings_from(app.config))  # fmt: skip

    assert created
    assert submission.status == "validated"
    assert {k: during_parse.seen[0][k] for k in NOTHING_OPEN} == NOTHING_OPEN
    db.session.rollback()  # the submission was committed by the ingest itself
    assert count(Submission) == 1


def _in_thread(app, work) -> list:
    """Run `work` in its own thread with its own app context (its own session); its result."""
    results = []

    def run():
        with app.app_context():
            results.append(work())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    return results


def test_the_same_file_stored_during_the_parse_is_the_answer(
    app, during_parse, good_file, upload, officer
):
    def upload_it_too():
        with app.test_client() as other:
            return other.post(BASE + "/submissions", headers=officer,
                              data={"file": (io.BytesIO(good_file), "same.xlsx", XLSX)},
                              content_type="multipart/form-data")  # fmt: skip

    # The second upload runs whole (read, parse, store, commit) while the first one parses.
    during_parse.once = lambda: _in_thread(app, upload_it_too)
    first = upload(good_file, officer)

    assert len(during_parse.seen) == 2  # both uploads parsed the file
    db.session.rollback()
    stored = db.session.scalars(select(Submission)).all()
    assert len(stored) == 1
    assert first.status_code == 200  # the file was stored meanwhile: the earlier submission
    assert first.get_json()["id"] == stored[0].id
    assert count(OutcomeRecord) == 3
    assert count(AuditEvent, AuditEvent.action == "submission.validated") == 1


def _amend(app, change) -> None:
    def work():
        document = copy.deepcopy(TERMS)
        change(document)
        amend_contract(contract_by_reference(TERMS["reference"]), document, date(2027, 1, 1),
                       "test", Actor.system("test"))  # fmt: skip
        db.session.commit()

    _in_thread(app, work)


def _retitle(document) -> None:
    document["title"] = "Renamed while a file was read"


def _drop_homes(document) -> None:
    document["metrics"] = [m for m in document["metrics"] if m["code"] != "HOMES"]


def test_an_amendment_naming_the_same_things_keeps_the_check(app, during_parse, good_file,
                                                             upload, officer):  # fmt: skip
    during_parse.once = lambda: _amend(app, _retitle)

    response = upload(good_file, officer)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(during_parse.seen) == 1  # read once: the catalogue did not change
    db.session.rollback()
    submission = db.session.get(Submission, response.get_json()["id"])
    assert submission.version.number == 2


def test_an_amendment_changing_the_metrics_checks_the_file_again(app, during_parse, good_file,
                                                                 upload, officer):  # fmt: skip
    during_parse.once = lambda: _amend(app, _drop_homes)

    response = upload(good_file, officer)

    assert len(during_parse.seen) == 2
    assert response.status_code == 422  # HOMES is no longer a metric of the contract
    assert "HOMES" in response.get_data(as_text=True)


def test_amended_during_every_read_answers_409_and_stores_nothing(app, during_parse, good_file,
                                                                 upload, officer):  # fmt: skip
    changes = iter([_drop_homes, _retitle])
    during_parse.also = lambda: _amend(app, next(changes))

    response = upload(good_file, officer)

    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "amended" in response.get_json()["detail"]
    db.session.rollback()
    assert count(Submission) == 0


@pytest.mark.postgres
def test_an_upload_parsing_while_another_stores_the_same_file_stores_it_once(
    app, monkeypatch, good_file, officer
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    first_storing, second_parsed = threading.Event(), threading.Event()
    real_store, real_parse = ingest.store_rows, ingest.parse_workbook

    def store_rows(*args):
        # The first upload is mid-store (its submission row inserted, not committed) ...
        if threading.current_thread().name == "first":
            first_storing.set()
            second_parsed.wait(timeout=30)
        return real_store(*args)

    def parse(*args, **kwargs):
        # ... while the second reads the same file, and goes on to store it.
        parsed = real_parse(*args, **kwargs)
        if threading.current_thread().name == "second":
            second_parsed.set()
        return parsed

    monkeypatch.setattr(ingest, "store_rows", store_rows)
    monkeypatch.setattr(ingest, "parse_workbook", parse)
    answers = []

    def send():
        with app.test_client() as client:
            answers.append(client.post(BASE + "/submissions", headers=officer,
                           data={"file": (io.BytesIO(good_file), "race.xlsx", XLSX)},
                           content_type="multipart/form-data"))  # fmt: skip

    first = threading.Thread(target=send, name="first")
    first.start()
    assert first_storing.wait(timeout=30)
    second = threading.Thread(target=send, name="second")
    second.start()
    for thread in (first, second):
        thread.join(timeout=60)

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    db.session.rollback()
    assert count(Submission) == 1
    assert count(OutcomeRecord) == 3
    assert count(AuditEvent, AuditEvent.action == "submission.validated") == 1
