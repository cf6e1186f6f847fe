"""Two schedulers against one PostgreSQL database: one runs the jobs, the other takes over."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib.audit import AuditEvent
from sib.extensions import db
from sib.scheduler.models import JobRun, SchedulerLease
from tests.scheduler.conftest import UPLOADER

DATABASE = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
    ),
]
ROOT = Path(__file__).resolve().parents[2]
#: seconds of the scheduler lease in the process tests: short, so a takeover comes quickly
LEASE = 3


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
    first_file = workbook()
    (inbox / "a.xlsx").write_bytes(first_file)
    first = tick_together(one, two)
    active = one if first["one"] else two
    standby = two if active is one else one
    assert sorted(first.values()) == [[], ["inbox"]]
    live(5, clock, one, two)
    assert tick_together(one, two) == {active.holder: ["inbox"], standby.holder: []}
    assert submissions() == 1

    # The active one dies without letting go: the standby waits out the 60 s lease only.
    (inbox / "b.xlsx").write_bytes(workbook([("SAFE", "2028", None, 60, None)]))
    (inbox / "a-again.xlsx").write_bytes(first_file)
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
    assert sorted(p.name for p in inbox.iterdir()) == []
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
    answers = [p.communicate(timeout=120) for p in processes]
    outputs = [out for out, _ in answers]
    assert [p.returncode for p in processes] == [0, 0], [err[-2000:] for _, err in answers]
    assert sum("another scheduler is active" in out for out in outputs) == 1
    db.session.rollback()
    runs = db.session.execute(select(JobRun.job, JobRun.holder)).all()
    jobs = ["audit_checkpoint", "inbox", "overdue", "period_close"]
    assert sorted(job for job, _ in runs) == jobs
    assert len({holder for _, holder in runs}) == 1


def eventually(check, within: float = 30.0):
    """Poll the database until `check` answers something true; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        db.session.rollback()
        answer = check()
        if answer:
            return answer
        time.sleep(0.2)
    raise AssertionError(f"not within {within} s: {check.__doc__}")


def test_when_the_holder_is_killed_the_other_process_takes_over_and_no_slot_runs_twice(
    contract, tmp_path, workbook, uploader
):
    inbox = tmp_path / "inbox" / contract.reference
    inbox.mkdir(parents=True)
    folders = tmp_path / "inbox.json"
    folders.write_text(json.dumps({contract.reference: {"organisation": "framsteg",
                                                        "user": UPLOADER}}))  # fmt: skip
    (inbox / "a.xlsx").write_bytes(workbook())
    env = {**os.environ, "DATABASE_URL": DATABASE, "SIB_ENV": "development",
           "INBOX_DIR": str(inbox.parent), "INBOX_FOLDERS": str(folders),
           "SCHEDULER_LEASE_SECONDS": str(LEASE), "INBOX_SCAN_SECONDS": "1",
           "INBOX_QUIET_SECONDS": "0", "PERIOD_CLOSE_CRON": "* * * * * *",
           "OVERDUE_CRON": "* * * * * *"}  # fmt: skip
    command = [sys.executable, "-c", "from sib.cli import main; main()", "scheduler"]
    processes, logs = {}, [(tmp_path / f"scheduler-{n}.log").open("w") for n in range(2)]
    try:
        for log in logs:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
            processes[process.pid] = process

        def holder_with_two_inbox_runs():
            """One process holds the lease and has scanned the inbox twice."""
            lease = db.session.get(SchedulerLease, "scheduler")
            runs = db.session.scalar(select(func.count()).select_from(JobRun).where(
                JobRun.job == "inbox", JobRun.outcome == "ok",
                JobRun.holder == (lease.holder if lease else "")))  # fmt: skip
            return lease.holder if lease and runs >= 2 else None

        dead = eventually(holder_with_two_inbox_runs)
        victim = processes.pop(int(dead.split(":")[1]))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        db.session.rollback()
        expired_at = db.session.get(SchedulerLease, "scheduler").expires_at
        # Dropped as a dot file and renamed, so no scan sees it half written.
        (inbox / ".c.xlsx").write_bytes(workbook([("SAFE", "2028", None, 60, None)]))
        (inbox / ".c.xlsx").rename(inbox / "c.xlsx")

        def new_holder():
            """The other process holds the lease."""
            lease = db.session.get(SchedulerLease, "scheduler")
            return lease if lease.holder != dead else None

        taken = eventually(new_holder)
        successor, taken_at = taken.holder, taken.acquired_at

        def all_done_again():
            """The file dropped after the kill is ingested, and every job ran again."""
            ran = db.session.scalars(
                select(JobRun.job).where(JobRun.holder == successor).distinct()
            ).all()
            return len(ran) == 3 and submissions() == 2 and not list(inbox.glob("*.xlsx"))

        eventually(all_done_again)
        (survivor,) = processes.values()
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=30) == 0
    except AssertionError as failure:
        tails = "\n".join(Path(log.name).read_text()[-3000:] for log in logs)
        raise AssertionError(f"{failure}\n--- the schedulers' logs:\n{tails}") from None
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in logs:
            log.close()

    # Taken over once the dead holder's lease ran out, within one lease time of that.
    assert expired_at <= taken_at < expired_at + timedelta(seconds=LEASE)
    db.session.rollback()
    runs = db.session.execute(select(JobRun.job, JobRun.slot, JobRun.holder, JobRun.outcome)).all()
    assert {holder for *_, holder, _ in runs} == {dead, successor}
    slots = Counter((job, slot) for job, slot, _, _ in runs)
    assert [key for key, n in slots.items() if n > 1] == []
    for name in ("inbox", "period_close", "overdue"):
        before = [slot for job, slot, holder, _ in runs if job == name and holder == dead]
        after = [slot for job, slot, holder, _ in runs if job == name and holder == successor]
        assert max(before) < min(after), name
    # The dead holder's run, if it died in one, is abandoned, not left running.
    assert {outcome for *_, outcome in runs} <= {"ok", "abandoned"}
    ingests = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "submission.validated"))  # fmt: skip
    assert (submissions(), ingests) == (2, 2)
