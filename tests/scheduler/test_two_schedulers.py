"""Two schedulers against one PostgreSQL database: one runs the jobs, the other takes over."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib.extensions import db
from sib.scheduler.models import JobRun

DATABASE = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
    ),
]
ROOT = Path(__file__).resolve().parents[2]


def tick_together(*schedulers) -> dict[str, list[str]]:
    """Tick every scheduler at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(len(schedulers))
    ran: dict[str, list[str]] = {}

    def tick(scheduler):
        barrier.wait()
        ran[scheduler.holder] = [run.job for run in scheduler.tick()]

    threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ran


def live(minutes: int, clock, *alive) -> None:
    """Let time pass with each live instance's heartbeat every 20 s, as its heartbeat job does."""
    for _ in range(minutes * 3):
        clock.advance(seconds=20)
        for scheduler in alive:
            scheduler.heartbeat()


def submissions() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Submission))


def test_only_one_runs_jobs_and_the_other_takes_over_once_the_lease_expires(
    make_scheduler, clock, inbox, workbook
):
    one, two = make_scheduler("one"), make_scheduler("two")
    (inbox / "a.xlsx").write_bytes(workbook())
    first = tick_together(one, two)
    active = one if first["one"] else two
    standby = two if active is one else one
    assert sorted(first.values()) == [[], ["inbox"]]
    live(5, clock, one, two)
    assert tick_together(one, two) == {active.holder: ["inbox"], standby.holder: []}
    assert submissions() == 1

    # The active one dies without letting go: the standby waits out the 60 s lease only.
    (inbox / "b.xlsx").write_bytes(workbook([("SAFE", "2028", None, 60, None)]))
    (inbox / "a-again.xlsx").write_bytes((inbox / "processed" / "a.xlsx").read_bytes())
    clock.advance(seconds=59)
    assert not standby.heartbeat()
    clock.advance(seconds=2)
    assert standby.heartbeat()
    live(5, clock, standby)
    standby.tick()
    live(5, clock, standby)
    standby.tick()
    # b.xlsx is new; a-again.xlsx is a.xlsx again, so it is recognised, not stored twice.
    assert submissions() == 2
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "a-again.xlsx", "a.xlsx", "b.xlsx"]  # fmt: skip
    holders = db.session.scalars(select(JobRun.holder).distinct()).all()
    assert sorted(holders) == sorted({active.holder, standby.holder})


def test_of_two_scheduler_processes_started_together_only_one_runs_the_jobs(contract, tmp_path):
    env = {**os.environ, "DATABASE_URL": DATABASE, "SIB_ENV": "development",
           "INBOX_DIR": str(tmp_path), "SCHEDULER_LEASE_SECONDS": "300"}  # fmt: skip
    command = [sys.executable, "-c", "from sib.cli import main; main()", "scheduler", "--once"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    assert sum("another scheduler is active" in out for out in outputs) == 1
    db.session.rollback()
    runs = db.session.execute(select(JobRun.job, JobRun.holder)).all()
    assert sorted(job for job, _ in runs) == ["inbox", "overdue", "period_close"]
    assert len({holder for _, holder in runs}) == 1
