"""`sib runs compute` SIGKILLed mid-transaction, while it replaces an earlier draft: with its new
run and lines written, waiting to lock the old draft; and with the old draft superseded too,
waiting to audit. Nothing of it stays, the chain verifies, and the same command then stores
the run."""

import json
import time

import pytest
from sqlalchemy import func, select

from outcomes.payments.models import PaymentRun, RunLine
from outcomes.payments.service import compute_committed
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db
from tests.faults import processes
from tests.faults.conftest import FIGURES_2027, REFERENCE, SYSTEM
from tests.outcomes.payments.conftest import LATER

pytestmark = pytest.mark.postgres
COMMAND = ("runs", "compute", REFERENCE, "2027")


def runs() -> dict[int, str]:
    """Each payment run's status, by id."""
    db.session.rollback()
    return dict(db.session.execute(select(PaymentRun.id, PaymentRun.status)).all())


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def waiting(backend) -> bool:
    return processes.waiting_for_lock(backend)


def kill_while_waiting(env, log, held, timings: dict, point: str) -> None:
    """Start the command, SIGKILL it once it waits for the lock `held` holds; nothing stays."""
    before = processes.snapshot()
    started = time.monotonic()
    with held:
        process = processes.start_sib(env, log, *COMMAND)
        backend = processes.backend_where(waiting, f"the compute waits ({point})", process)
        processes.kill(process)
        timings[point] = round(time.monotonic() - started, 2)
    processes.gone(backend["pid"])
    assert process.returncode == -9
    assert processes.changed(before, processes.snapshot()) == [], point
    assert verify_chain()["ok"] is True, point


def compute(env, log) -> str:
    process = processes.start_sib(env, log, *COMMAND)
    assert process.wait(timeout=60) == 0, log.read_text()[-3000:]
    return log.read_text()


def test_a_compute_killed_before_it_commits_leaves_nothing_and_succeeds_when_run_again(
    contract, verified, env, tmp_path
):
    verified()
    first = compute_committed(contract, "2027", SYSTEM, today=LATER)[0].id
    # Corrected figures: the next compute makes a new run that supersedes the first draft.
    verified([*FIGURES_2027[:2], ("ABSENCE", "2027", None, 9, None)])
    timings = {}
    # 1. The new run, its lines and obligations written; waiting to lock the old draft.
    old_draft = processes.row_held("payment_runs", first)
    kill_while_waiting(env, tmp_path / "first.log", old_draft, timings, "superseding")
    # 2. The old draft marked superseded too; waiting to append the audit events.
    kill_while_waiting(env, tmp_path / "second.log", processes.chain_held(), timings,
                       "superseded, auditing")  # fmt: skip
    assert runs() == {first: "draft"}
    assert "stored, draft" in compute(env, tmp_path / "again.log")
    print(f"\nkilled compute, seconds from start to kill: {json.dumps(timings)}")

    statuses = runs()
    (second,) = set(statuses) - {first}
    assert statuses == {first: "superseded", second: "draft"}
    assert (events("payment_run.computed"), events("payment_run.superseded")) == (2, 1)
    assert db.session.scalar(select(func.count()).where(RunLine.run_id == second)) > 0
    assert verify_chain()["ok"] is True
    # The same inputs computed in this process give the run the command stored.
    assert compute_committed(contract, "2027", SYSTEM, today=LATER)[0].id == second
