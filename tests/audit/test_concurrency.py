"""On PostgreSQL, appenders working at once still leave one valid chain."""

import threading

import pytest
from sqlalchemy import func, select

from sib import audit
from sib.actor import Actor
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db

THREADS, EVENTS_EACH = 8, 15

pytestmark = pytest.mark.postgres


def test_concurrent_appends_leave_a_chain_that_verifies(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql+psycopg://...; SQLite has one writer")
    start, failures = threading.Barrier(THREADS), []

    def appender(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for n in range(EVENTS_EACH):
                    audit.record(
                        "test.appended",
                        actor=Actor.system(f"thread-{number}"),
                        entity_type="thing",
                        entity_id=f"{number}/{n}",
                    )
                    # some transactions hold two events, so appends interleave mid-transaction
                    if n % 3 != 1:
                        db.session.commit()
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below, with the thread
            failures.append((number, error))

    threads = [threading.Thread(target=appender, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    # 8 threads x 15 events = 120 events, numbered 1..120 without a gap
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == THREADS * EVENTS_EACH
    assert verify_chain() == {
        "ok": True,
        "checked": THREADS * EVENTS_EACH,
        "first_bad_seq": None,
        "problem": None,
        "checkpoint_seq": None,
        "unsealed": 0,
    }
