"""Verbs that lock before deciding record one event per real change; appends keep lock order.

`audit.lock_for_change` is the helper: a verb locks the row it is about to change, then
decides on the row as it is now. Lock order (docs/locking.md): row locks first, the chain's
lock last; `audit.record` flushes the verb's own changes before it takes the chain's lock.
"""

import threading
import time

import pytest
from sqlalchemy import func, select, text

from sib import audit
from sib.actor import Actor
from sib.audit import AuditEvent, verify_chain
from sib.auth.models import User
from sib.extensions import db

#: seconds any thread may wait for another before the test gives up (a bound, not a timing)
PATIENCE = 30


def deactivate(user_id: int, actor: Actor) -> bool:
    """A verb written the way the helper asks: lock, decide, change, record."""
    user = audit.lock_for_change(db.session.get(User, user_id))
    if not user.active:
        return False  # a repeated request: no change, so no event
    user.active = False
    audit.record("user.deactivated", actor=actor, entity_type="user", entity_id=user.id,
                 before={"active": True}, after={"active": False})  # fmt: skip
    return True


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def on_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql+psycopg://...; SQLite has one writer")


def test_a_repeated_change_records_nothing_the_second_time(make_user):
    user_id = make_user("investor").id
    assert [deactivate(user_id, Actor.system("test")) for _ in range(2)] == [True, False]
    db.session.commit()
    assert events("user.deactivated") == 1


@pytest.mark.postgres
def test_the_helper_reloads_what_another_transaction_committed(app, make_user):
    # (SQLite refuses a write from a transaction whose snapshot is stale: "database is locked")
    on_postgresql()
    user = db.session.get(User, make_user("investor").id)
    assert user.active is True
    with db.engine.begin() as other:
        other.execute(text("UPDATE users SET active = false WHERE id = :id"), {"id": user.id})
    assert audit.lock_for_change(user).active is False
    db.session.rollback()


@pytest.mark.postgres
def test_eight_requests_at_once_record_one_event(app, make_user):
    on_postgresql()
    user_id, threads = make_user("investor").id, 8
    start, outcomes, failures = threading.Barrier(threads, timeout=PATIENCE), [], []

    def request(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes.append(deactivate(user_id, Actor.system(f"thread-{number}")))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below, with the thread
            failures.append((number, error))

    run_all([threading.Thread(target=request, args=(n,)) for n in range(threads)])
    assert failures == []
    assert sorted(outcomes) == [False] * (threads - 1) + [True]
    assert events("user.deactivated") == 1
    assert verify_chain()["ok"] is True


@pytest.mark.postgres
def test_an_append_waits_for_the_row_it_changes_before_taking_the_chain(app, make_user):
    """Second holds the user's row and then appends; first changed the row and appends too.

    Were the chain locked before first's change is written, first would hold the chain and
    wait for the row while second holds the row and waits for the chain: a deadlock.
    """
    on_postgresql()
    user_id, failures = make_user("investor").id, []
    second_holds_row = threading.Event()

    def first() -> None:
        with app.app_context():
            second_holds_row.wait(PATIENCE)
            db.session.get(User, user_id).name = "first"  # written by record's flush
            with db.session.no_autoflush:  # even where a verb turned autoflush off
                audit.record("test.first", actor=Actor.system("first"), entity_type="user",
                             entity_id=user_id)  # fmt: skip
            db.session.commit()

    def second() -> None:
        with app.app_context():
            db.session.get(User, user_id).name = "second"
            db.session.flush()  # the row is locked from here to commit
            second_holds_row.set()
            wait_for_a_blocked_transaction()  # first, waiting for the row (or the chain)
            audit.record("test.second", actor=Actor.system("second"), entity_type="user",
                         entity_id=user_id)  # fmt: skip
            db.session.commit()

    run_all([catching(first, failures), catching(second, failures)])
    assert failures == []
    assert (events("test.first"), events("test.second")) == (1, 1)
    assert db.session.get(User, user_id).name == "first"
    assert verify_chain()["ok"] is True


def wait_for_a_blocked_transaction() -> None:
    """Until another session of this database waits on a lock (at most PATIENCE seconds)."""
    query = text("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")  # fmt: skip
    deadline = time.monotonic() + PATIENCE
    with db.engine.connect() as watcher:
        while watcher.execute(query).scalar() == 0:
            assert time.monotonic() < deadline, "the other transaction never blocked"
            time.sleep(0.05)
            watcher.rollback()


def catching(target, failures: list) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except Exception as error:  # noqa: BLE001 - reported by the test
            failures.append((target.__name__, error))

    return threading.Thread(target=run)


def run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
        assert not thread.is_alive(), "a thread is stuck"
