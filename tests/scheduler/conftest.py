"""Fixtures for the scheduler: a fake clock, a contract with whole-area figures, an inbox folder."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import has_app_context

from contracts import service
from outcomes.schedule import timetable
from outcomes.submissions.service import catalogue_for, ingest_file
from outcomes.submissions.settings import settings_from
from outcomes.workbook.template import template_bytes
from sib.actor import Actor
from sib.extensions import db
from sib.scheduler.clock import FakeClock
from sib.scheduler.runner import Scheduler
from tests.outcomes.submissions.workbooks import filled

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"
SYSTEM = Actor.system("test")
#: every aggregate figure the demo's terms read in 2027 (participant-level metrics count 0)
READY_2027 = [
    ("SAFE", "2027", None, 56, None),
    ("SAFE_CG", "2027", None, 52, None),
    ("ABSENCE", "2027", None, 8, None),
    ("ERVISITS", "2027", None, 1380, None),
]


@pytest.fixture
def clock():
    """The day after the 2027 period's deadline (2028-03-31), at 02:00 UTC."""
    return FakeClock(datetime(2028, 4, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def contract(app):
    """The demo contract with its metrics reported for the whole area."""
    terms = json.loads(DEMO.read_text(encoding="utf-8"))
    for metric in terms["metrics"]:
        metric.pop("x_areas", None)
    found = service.import_contract(copy.deepcopy(terms), SYSTEM)
    db.session.commit()
    return found


@pytest.fixture
def workbook(contract):
    """A factory: the contract's template filled with value rows, as .xlsx bytes."""
    template = template_bytes(catalogue_for(contract.versions[-1]))

    def make(values=READY_2027, participants=()):
        return filled(template, values, participants)

    return make


@pytest.fixture
def inbox(tmp_path, contract):
    """The contract's inbox folder."""
    folder = tmp_path / "inbox" / contract.reference
    folder.mkdir(parents=True)
    return folder


#: the finance officer of the demo's provider, for whom the test inbox folder is configured
UPLOADER = "ekonomi@framsteg.test"


@pytest.fixture
def uploader(make_user):
    """The user the contract's inbox folder submits for."""
    return make_user("finance_officer", "framsteg", email=UPLOADER)


@pytest.fixture
def folders(tmp_path, contract, uploader):
    """The INBOX_FOLDERS file, mapping the contract's folder to the provider's officer."""
    path = tmp_path / "inbox.json"
    path.write_text(json.dumps({contract.reference: {"organisation": "framsteg",
                                                     "user": UPLOADER}}))  # fmt: skip
    return path


@pytest.fixture
def make_scheduler(app, clock, inbox, folders):
    """A factory: a scheduler instance named `holder`, on the fake clock and the test inbox."""
    config = {**app.config, "INBOX_DIR": str(inbox.parent), "INBOX_FOLDERS": str(folders)}

    def make(holder="one", lease_seconds=60, **settings):
        jobs = timetable({**config, **settings}, start=clock.now())
        return _FreshReads(app, jobs, lease_seconds=lease_seconds, clock=clock, holder=holder)

    return make


class _FreshReads(Scheduler):
    """The scheduler, after which the test's own session starts a new transaction.

    The scheduler works in its own session, as its own process would; on SQLite the test's
    open transaction keeps reading its snapshot until it ends, as a request would not.
    """

    def run_job(self, job, at=None, slot=None):
        run = super().run_job(job, at, slot)
        _end_test_transaction()
        return run

    def tick(self):
        runs = super().tick()
        _end_test_transaction()
        return runs


def _end_test_transaction() -> None:
    # A scheduler ticking in its own thread has no test session to refresh.
    if has_app_context():
        db.session.rollback()


@pytest.fixture
def ingest(app, contract):
    """A factory: store a workbook as an upload, not yet verified; the submission."""
    settings = settings_from(app.config)

    def store(data: bytes, name="outcomes.xlsx"):
        submission, _ = ingest_file(contract, name, data, SYSTEM, settings=settings)
        db.session.commit()
        return submission

    return store
