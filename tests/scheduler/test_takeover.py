"""Taking over from a dead or frozen scheduler: its runs are marked abandoned, its late commits
are fenced off, and no slot of a job runs twice."""

import contextlib
import dataclasses

from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib import audit
from sib.audit import AuditEvent
from sib.extensions import db
from sib.scheduler.models import JobRun
from tests.scheduler.conftest import SYSTEM


class Killed(BaseException):
    """The process dies mid-job: nothing after this line of the job runs, not even its record."""


def job(scheduler, name):
    return next(j for j in scheduler.jobs if j.name == name)


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def item(n: int) -> None:
    """One unit of a job's work: a change and its audit event."""
    audit.record("test.item", actor=SYSTEM, entity_type="item", entity_id=n)


def test_a_run_left_running_by_a_dead_holder_is_abandoned_when_another_takes_over(
    make_scheduler, clock, client, auth_headers
):
    auditor = auth_headers("auditor")
    one, two = make_scheduler("one"), make_scheduler("two")

    def dies(now):
        raise Killed

    with contextlib.suppress(Killed):
        one.run_job(dataclasses.replace(job(one, "inbox"), work=dies))
    assert count(JobRun, JobRun.outcome == "running") == 1
    clock.advance(seconds=59)
    assert not two.heartbeat()
    assert count(JobRun, JobRun.outcome == "running") == 1
    clock.advance(seconds=2)
    assert two.heartbeat()
    db.session.rollback()
    listed = client.get("/api/v1/jobs", headers=auditor).get_json()
    assert [(r["holder"], r["outcome"]) for r in listed] == [("one", "abandoned")]
    assert listed[0]["ended_at"] is not None


def test_a_holder_that_wakes_after_losing_the_lease_commits_nothing_more(make_scheduler, clock):
    one, two = make_scheduler("one"), make_scheduler("two")

    def freezes_halfway(now):
        item(1)
        db.session.commit()
        clock.advance(seconds=61)  # frozen past its lease; the other instance takes over
        assert two.heartbeat()
        item(2)
        db.session.commit()
        return {"items": 2}

    run = one.run_job(dataclasses.replace(job(one, "inbox"), work=freezes_halfway))
    assert (run.outcome, run.error.split(";")[0]) == ("abandoned", "scheduler one lost the lease")
    assert count(AuditEvent, AuditEvent.action == "test.item") == 1


def test_a_holder_whose_lease_ran_out_stops_even_if_nobody_took_it(make_scheduler, clock):
    one = make_scheduler("one")

    def outlives_its_lease(now):
        clock.advance(seconds=61)
        item(1)
        db.session.commit()
        return {"items": 1}

    run = one.run_job(dataclasses.replace(job(one, "inbox"), work=outlives_its_lease))
    assert run.outcome == "abandoned"
    assert count(AuditEvent, AuditEvent.action == "test.item") == 0
    assert one.heartbeat()  # free, so it takes the lease again at its next heartbeat


def test_a_frozen_holder_leaves_the_inbox_to_the_new_holder(make_scheduler, clock, inbox, workbook):
    one, two = make_scheduler("one"), make_scheduler("two")
    (inbox / "a.xlsx").write_bytes(workbook())
    (inbox / "b.xlsx").write_bytes(workbook([("SAFE", "2028", None, 60, None)]))
    scan = job(one, "inbox").work
    scan.quiet_seconds = 0

    def freezes_then_scans(now):
        clock.advance(seconds=61)
        assert two.heartbeat()
        return scan(now)

    run = one.run_job(dataclasses.replace(job(one, "inbox"), work=freezes_then_scans))
    assert run.outcome == "abandoned"
    assert (count(Submission), sorted(p.name for p in inbox.iterdir())) == (0, ["a.xlsx", "b.xlsx"])
    job(two, "inbox").work.quiet_seconds = 0
    taken = two.run_job(job(two, "inbox"))
    assert (taken.outcome, '"ingested": 2' in taken.counts) == ("ok", True)
    assert (count(Submission), list(inbox.iterdir())) == (2, [])


def test_a_slot_one_instance_ran_is_not_run_again_by_the_next(make_scheduler, clock):
    # Both instances see the inbox due at the same fire time; the first runs it and stops.
    one, two = make_scheduler("one"), make_scheduler("two")
    assert [r.job for r in one.tick()] == ["inbox"]
    one.release()
    assert two.tick() == []
    clock.advance(minutes=5)
    assert [r.job for r in two.tick()] == ["inbox"]
    slots = db.session.execute(select(JobRun.holder, JobRun.slot).order_by(JobRun.id)).all()
    assert [(holder, slot.strftime("%H:%M")) for holder, slot in slots] == [
        ("one", "02:00"), ("two", "02:05")]  # fmt: skip
