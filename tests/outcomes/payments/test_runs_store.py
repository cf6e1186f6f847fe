"""Storing a run: whole or not at all, once per set of inputs even when requests race."""

import os
import threading

import pytest
from sqlalchemy import func, select

from outcomes.payments import service
from outcomes.payments.models import PaymentRun, RunInvestor, RunLine, RunPayer
from sib.extensions import db
from tests.outcomes.payments.conftest import BASE, LATER, SYSTEM


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_crash_in_the_middle_of_storing_a_run_leaves_no_partial_run(
    client, people, figures, drawn, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("the power went out")

    # The run row and its lines are flushed by then; only the audit event is missing.
    monkeypatch.setattr("outcomes.payments.service._supersede_drafts", crash)
    with pytest.raises(RuntimeError, match="power"):
        client.post(f"{BASE}/payment-runs", json={"period": "2027"}, headers=people["manager"])
    db.session.rollback()
    assert [count(m) for m in (PaymentRun, RunLine, RunPayer, RunInvestor)] == [0, 0, 0, 0]


def test_a_request_losing_the_race_returns_the_run_the_winner_stored(figures, drawn, monkeypatch):
    winner, _ = service.compute_committed(drawn, "2027", SYSTEM, today=LATER)
    looked = service._existing
    blind = iter([True])

    def existing(contract, digest):
        # The loser's first look came before the winner committed: it saw no run.
        return None if next(blind, False) else looked(contract, digest)

    monkeypatch.setattr("outcomes.payments.service._existing", existing)
    loser, created = service.compute_committed(drawn, "2027", SYSTEM, today=LATER)
    assert (loser.id, created) == (winner.id, False)
    assert count(PaymentRun) == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a real race needs two connections to PostgreSQL",
)
def test_two_concurrent_requests_store_one_run(app, client, people, figures, drawn):
    barrier = threading.Barrier(2)
    answers = []

    def ask():
        barrier.wait()
        response = client.post(
            f"{BASE}/payment-runs", json={"period": "2027"}, headers=people["manager"]
        )
        answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count(PaymentRun) == 1
    assert sorted(code for code, _ in answers) == [200, 201]
    assert len({run for _, run in answers}) == 1
