"""The jobs on a fake clock: inbox scans, period close, overdue flags; every run recorded."""

import dataclasses

from sqlalchemy import func, select

from outcomes.deadlines.models import OverdueFlag
from outcomes.payments.models import PaymentRun
from outcomes.submissions.models import Submission
from outcomes.submissions.service import verify_submission
from sib.extensions import db
from sib.scheduler.models import JobRun
from tests.scheduler.conftest import SYSTEM


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def job(scheduler, name):
    return next(j for j in scheduler.jobs if j.name == name)


def test_a_file_is_ingested_once_its_size_held_still_for_a_scan(make_scheduler, inbox, workbook):
    scheduler = make_scheduler()
    (inbox / "outcomes-2027.xlsx").write_bytes(workbook())
    first = scheduler.run_job(job(scheduler, "inbox"))
    second = scheduler.run_job(job(scheduler, "inbox"))
    assert (first.outcome, first.counts) == ("ok", '{"duplicates": 0, "failed": 0, '
                                             '"ingested": 0, "refused": 0, "rejected": 0, '
                                             '"unconfigured": 0, "waiting": 1}')  # fmt: skip
    assert '"ingested": 1' in second.counts
    assert sorted(p.name for p in inbox.iterdir()) == []  # the original is not kept
    submission = db.session.scalar(select(Submission))
    assert (submission.source, submission.uploaded_by) == ("inbox", "user:ekonomi@framsteg.test")


def test_a_file_still_being_written_is_left_for_the_next_scan(make_scheduler, inbox, workbook):
    scheduler = make_scheduler()
    data = workbook()
    growing = inbox / "outcomes-2027.xlsx"
    growing.write_bytes(data[: len(data) // 2])
    scheduler.run_job(job(scheduler, "inbox"))
    growing.write_bytes(data)
    scheduler.run_job(job(scheduler, "inbox"))
    assert (growing.exists(), count(Submission)) == (True, 0)
    scheduler.run_job(job(scheduler, "inbox"))
    assert (growing.exists(), count(Submission)) == (False, 1)


def test_a_bad_file_goes_to_rejected_with_its_annotated_workbook(make_scheduler, inbox, workbook):
    scheduler = make_scheduler()
    (inbox / "wrong.xlsx").write_bytes(workbook([("NOPE", "2027", None, 1, None)]))
    (inbox / "not-excel.xlsx").write_bytes(b"plain text, not a workbook")
    for _ in range(2):
        run = scheduler.run_job(job(scheduler, "inbox"))
    assert '"rejected": 2' in run.counts
    # Only the masked errors workbook (or the note) is kept, never the original.
    names = sorted(p.name for p in (inbox / "rejected").iterdir())
    assert names == ["not-excel.errors.txt", "wrong.errors.xlsx"]
    assert sorted(p.name for p in inbox.iterdir()) == ["rejected"]


def test_cron_jobs_run_when_the_fake_clock_reaches_their_time(make_scheduler, clock):
    # The inbox every 5 minutes from the start; PERIOD_CLOSE_CRON 02:15 and OVERDUE_CRON 02:30
    # UTC. The clock stands at 02:00.
    scheduler = make_scheduler()
    assert [r.job for r in scheduler.tick()] == ["inbox"]
    clock.advance(minutes=3)
    assert [r.job for r in scheduler.tick()] == []
    clock.advance(minutes=12)
    assert [r.job for r in scheduler.tick()] == ["inbox", "period_close"]
    clock.advance(minutes=15)
    assert [r.job for r in scheduler.tick()] == ["inbox", "overdue"]
    assert count(JobRun) == 5


def test_a_period_past_its_deadline_with_verified_figures_closes_into_a_draft_run(
    make_scheduler, workbook, ingest
):
    submission = ingest(workbook())
    scheduler = make_scheduler()
    not_yet = scheduler.run_job(job(scheduler, "period_close"))
    assert '"not_ready": 1' in not_yet.counts
    verify_submission(submission, SYSTEM)
    db.session.commit()
    closed = scheduler.run_job(job(scheduler, "period_close"))
    again = scheduler.run_job(job(scheduler, "period_close"))
    assert '"computed": 1' in closed.counts
    assert '"unchanged": 1' in again.counts
    run = db.session.scalar(select(PaymentRun))
    assert (run.period_label, run.status, run.created_by) == ("2027", "draft", "system:scheduler")


def test_overdue_periods_are_flagged_and_resolved_once_figures_are_verified(
    client, make_scheduler, contract, workbook, ingest, auth_headers
):
    scheduler = make_scheduler()
    scheduler.run_job(job(scheduler, "overdue"))
    headers = auth_headers("contract_manager", "utfall")
    flags = client.get(f"/api/v1/contracts/{contract.reference}/overdue", headers=headers)
    assert [(f["period"], f["missing"]) for f in flags.get_json()] == [
        ("2027", ["SAFE", "SAFE_CG", "ABSENCE", "ERVISITS"])]  # fmt: skip
    submission = ingest(workbook())
    scheduler.run_job(job(scheduler, "overdue"))
    flags = client.get(f"/api/v1/contracts/{contract.reference}/overdue", headers=headers)
    # Still missing from the figures in force (not verified yet), and now awaiting verification.
    awaiting = [(len(f["missing"]), f["unverified"]) for f in flags.get_json()]
    assert awaiting == [(4, [submission.id])]
    verify_submission(submission, SYSTEM)
    db.session.commit()
    scheduler.run_job(job(scheduler, "overdue"))
    assert client.get(f"/api/v1/contracts/{contract.reference}/overdue",
                      headers=headers).get_json() == []  # fmt: skip
    assert count(OverdueFlag, OverdueFlag.resolved_at.is_not(None)) == 1


def test_a_failing_job_is_recorded_with_its_error(make_scheduler):
    scheduler = make_scheduler()

    def broken(now):
        raise OSError("the inbox disk is gone")

    run = scheduler.run_job(dataclasses.replace(job(scheduler, "inbox"), work=broken))
    assert (run.outcome, run.error) == ("error", "OSError: the inbox disk is gone")
    assert run.ended_at is not None


def test_job_runs_are_listed_for_admins_and_auditors_only(client, make_scheduler, auth_headers):
    scheduler = make_scheduler()
    scheduler.run_job(job(scheduler, "overdue"))
    listed = client.get("/api/v1/jobs", headers=auth_headers("auditor"))
    assert [(r["job"], r["outcome"], r["counts"]["contracts"]) for r in listed.get_json()] == [
        ("overdue", "ok", 1)]  # fmt: skip
    assert client.get("/api/v1/jobs", headers=auth_headers("investor")).status_code == 403


def test_the_same_file_dropped_again_is_recognised_not_stored_twice(
    make_scheduler, inbox, workbook
):
    scheduler = make_scheduler()
    data = workbook()
    (inbox / "outcomes.xlsx").write_bytes(data)
    for _ in range(2):
        scheduler.run_job(job(scheduler, "inbox"))
    (inbox / "outcomes.xlsx").write_bytes(data)
    for _ in range(2):
        run = scheduler.run_job(job(scheduler, "inbox"))
    assert '"duplicates": 1' in run.counts
    assert count(Submission) == 1
    assert sorted(p.name for p in inbox.iterdir()) == []
