"""On PostgreSQL, verbs on one run racing each other: each real change happens once, no run is
stuck, no deadlock, and nothing superseded is approved (threads, each its own session)."""

import threading

import pytest
from sqlalchemy import func, select

from outcomes.payments.approvals import approve_run
from outcomes.payments.models import PaymentRun
from outcomes.payments.service import compute_committed
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db
from sib.problems import ConflictError
from tests.outcomes.payments.conftest import LATER, SYSTEM

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql+psycopg://...; SQLite has one writer")


def at_once(app, jobs) -> list:
    """Run each job in its own thread and session, all released together; their outcomes."""
    start, outcomes = threading.Barrier(len(jobs)), [None] * len(jobs)

    def work(index, job):
        with app.app_context():
            start.wait()
            try:
                outcomes[index] = job()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - returned to the test, which asserts
                db.session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def approver(run_id: int, organisation_id: int):
    def job():
        return approve_run(db.session.get(PaymentRun, run_id), organisation_id, SYSTEM).status

    return job


@pytest.mark.parametrize("trial", range(3))
def test_payers_approving_at_once_leave_an_approved_run(app, figures, drawn, trial):
    run, _ = compute_committed(drawn, "2027", SYSTEM, today=LATER)
    payers = [p.organisation_id for p in run.payers]
    outcomes = at_once(app, [approver(run.id, payer) for payer in payers])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    db.session.expire_all()
    assert db.session.get(PaymentRun, run.id).status == "approved"
    assert (events("payment_run.payer_approved"), events("payment_run.approved")) == (3, 1)
    assert verify_chain()["ok"] is True


def test_one_payer_approving_eight_times_at_once_writes_one_event(app, figures, drawn):
    run, _ = compute_committed(drawn, "2027", SYSTEM, today=LATER)
    nacka = next(p.organisation_id for p in run.payers if p.organisation.slug == "nacka")
    outcomes = at_once(app, [approver(run.id, nacka) for _ in range(8)])
    assert outcomes == ["draft"] * 8
    assert events("payment_run.payer_approved") == 1


def test_the_last_approval_racing_a_new_compute_never_deadlocks_nor_approves_a_superseded_run(
    app, figures, drawn
):
    run, _ = compute_committed(drawn, "2027", SYSTEM, today=LATER)
    payers = [p.organisation_id for p in run.payers]
    for payer in payers[:-1]:
        approve_run(run, payer, SYSTEM)
    db.session.commit()
    figures["values"]["2027"]["SAFE"] = "57"  # new figures: the compute makes a new run
    outcomes = at_once(app, [
        approver(run.id, payers[-1]),
        lambda: compute_committed(db.session.get(PaymentRun, run.id).contract, "2027", SYSTEM,
                                  today=LATER)[0].id,
    ])  # fmt: skip
    approval, new_run = outcomes
    assert not isinstance(new_run, Exception), new_run
    assert approval == "approved" or isinstance(approval, ConflictError), approval
    db.session.expire_all()
    statuses = {r.id: r.status for r in db.session.scalars(select(PaymentRun))}
    # Either the approval came first (the old run stays approved, the new one is a draft of
    # adjustments) or the compute did (the old one is superseded and the approval refused).
    if approval == "approved":
        assert statuses == {run.id: "approved", new_run: "draft"}
    else:
        assert statuses == {run.id: "superseded", new_run: "draft"}
    assert verify_chain()["ok"] is True
