"""A gunicorn worker SIGKILLed in the middle of `POST .../approve`: waiting for the run's lock,
with a payer's approval written but not audited, and with the last approval (the run turning
approved) written but not audited. Nothing of it stays, the chain verifies, the master replaces
the worker, and the same request then succeeds."""

import http.client
import json
import threading
import time

import pytest
from sqlalchemy import func, select

from outcomes.payments.models import PaymentRun, RunPayer
from outcomes.payments.service import compute_committed
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db
from tests.faults import processes
from tests.faults.conftest import BASE, SYSTEM, WORKERS
from tests.outcomes.payments.conftest import LATER

pytestmark = pytest.mark.postgres


def send(port: int, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Type": "application/json"})  # fmt: skip
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


class InFlight(threading.Thread):
    """One request sent from its own thread; its answer, or the error a dead worker leaves."""

    def __init__(self, *args):
        super().__init__()
        self.args, self.answer = args, None

    def run(self):
        try:
            self.answer = send(*self.args)
        except (OSError, http.client.HTTPException) as error:
            self.answer = error


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def approvals(run_id: int) -> list[str]:
    """The payers that have approved the run."""
    db.session.rollback()
    approved = db.session.scalars(select(RunPayer).where(
        RunPayer.run_id == run_id, RunPayer.approved_at.is_not(None)))  # fmt: skip
    return sorted(p.organisation.slug for p in approved)


def test_an_approval_whose_worker_is_killed_leaves_nothing_and_succeeds_when_sent_again(
    contract, verified, server, make_user, make_token
):
    master, port = server
    verified()
    run, _ = compute_committed(contract, "2027", SYSTEM, today=LATER)
    run_id = run.id
    tokens = {payer: make_token(make_user("finance_officer", payer))
              for payer in ("botkyrka", "nacka", "region")}  # fmt: skip
    approve = f"{BASE}/payment-runs/{run_id}/approve"
    timings = {}

    def kill_in_flight(payer, held, point):
        # The token's use is recorded now, so the killed request has nothing of its own to write.
        assert send(port, "GET", f"{BASE}/payment-runs/{run_id}", tokens[payer])[0] == 200
        before = processes.snapshot()
        started = time.monotonic()
        with held:
            request = InFlight(port, "POST", approve, tokens[payer], {})
            request.start()
            backend = processes.backend_where(processes.waiting_for_lock, point)
            processes.kill_pid(processes.worker_of(master, backend))
            timings[point] = round(time.monotonic() - started, 2)
        processes.gone(backend["pid"])
        request.join(timeout=30)
        assert isinstance(request.answer, OSError | http.client.HTTPException), request.answer
        assert processes.changed(before, processes.snapshot()) == [], point
        assert verify_chain()["ok"] is True, point
        processes.eventually(lambda: len(processes.workers(master)) == WORKERS,
                             "the master replaces the killed worker")  # fmt: skip

    kill_in_flight("botkyrka", processes.row_held("payment_runs", run_id), "locking the run")
    kill_in_flight("botkyrka", processes.chain_held(), "approved, auditing")
    assert approvals(run_id) == []
    assert send(port, "POST", approve, tokens["botkyrka"], {})[0] == 200
    assert send(port, "POST", approve, tokens["nacka"], {})[0] == 200

    kill_in_flight("region", processes.chain_held(), "last approval, auditing")
    assert approvals(run_id) == ["botkyrka", "nacka"]
    status, body = send(port, "POST", approve, tokens["region"], {})
    print(f"\nkilled approval, seconds from request to kill: {json.dumps(timings)}")
    assert (status, body["status"]) == (200, "approved")
    assert approvals(run_id) == ["botkyrka", "nacka", "region"]
    assert db.session.get(PaymentRun, run_id).status == "approved"
    assert (events("payment_run.payer_approved"), events("payment_run.approved")) == (3, 1)
    assert verify_chain()["ok"] is True
