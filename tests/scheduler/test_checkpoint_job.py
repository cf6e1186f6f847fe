"""The scheduler signs the audit chain's head into the checkpoint outbox every night."""

import json

from tests.scheduler.test_jobs import job


def test_the_checkpoint_job_publishes_the_chains_head(app, make_scheduler, monkeypatch, tmp_path):
    outbox = tmp_path / "checkpoints"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(outbox))
    scheduler = make_scheduler()
    run = scheduler.run_job(job(scheduler, "audit_checkpoint"))
    assert run.outcome == "ok"
    counts = json.loads(run.counts)
    assert counts["published"] == 1
    (published,) = outbox.iterdir()
    assert json.loads(published.read_text())["seq"] == counts["seq"]


def test_without_an_outbox_nothing_is_published(make_scheduler):
    scheduler = make_scheduler()
    run = scheduler.run_job(job(scheduler, "audit_checkpoint"))
    assert (run.outcome, json.loads(run.counts)) == ("ok", {"published": 0})
