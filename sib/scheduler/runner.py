"""Running jobs under the lease: each run recorded (start, end, outcome, counts, error).

`Scheduler` is driven two ways: `start()` hands its jobs to an APScheduler 3
BlockingScheduler in its own process; `tick()` runs whatever is due by its clock, which is how
tests drive it with a fake clock and no sleeping.
"""

import json
import logging
import os
import signal
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from sib.extensions import db
from sib.scheduler import lease
from sib.scheduler.clock import SystemClock
from sib.scheduler.fence import LeaseLostError, fenced
from sib.scheduler.models import JobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A scheduled job: a name, when it fires, and the work (given the time, returns counts)."""

    name: str
    trigger: BaseTrigger
    work: Callable[[datetime], dict]


def instance_name() -> str:
    """A name no other scheduler instance has: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Scheduler:
    """One scheduler instance; it runs jobs only while it holds the lease."""

    def __init__(self, app: Flask, jobs: list[Job], *, lease_seconds: int, clock=None, holder=None):
        self.app = app
        self.jobs = jobs
        self.lease_seconds = lease_seconds
        self.clock = clock or SystemClock()
        self.holder = holder or instance_name()
        self._next: dict[str, datetime | None] = {}
        #: when the lease this instance holds was taken (a new value: a new tenure)
        self._tenure: datetime | None = None

    def heartbeat(self) -> bool:
        """Take or renew the lease; whether this instance is the active one.

        On taking the lease (not on renewing it), it marks the runs other instances left
        `running` as abandoned: their holder died or lost the lease, and a fenced job cannot
        commit after that.
        """
        with self.app.app_context():
            now = self.clock.now()
            try:
                held = lease.acquire(self.holder, now, self.lease_seconds)
                tenure = lease.tenure_of(self.holder) if held else None
                if held and tenure != self._tenure:
                    _abandon_stale_runs(self.holder, now)
                db.session.commit()
                self._tenure = tenure
            except IntegrityError:
                # Another instance created the lease row at the same moment: it holds it.
                db.session.rollback()
                return False
            except Exception:
                db.session.rollback()
                logger.exception("scheduler %s: heartbeat failed", self.holder)
                return False
        return held

    def run_job(
        self, job: Job, at: datetime | None = None, slot: datetime | None = None
    ) -> JobRun | None:
        """Run a job if this instance holds the lease, recording the run; None when it does not.

        `at` makes the job work as if it were that moment (deadlines, period close) while the
        lease and the run's own times stay on the clock, so a rehearsal never blocks takeover.
        `slot` is the trigger's fire time the run is for: a slot another instance already ran
        is skipped. The job's commits are fenced: once the lease is lost they raise LeaseLostError
        and the run ends `abandoned`.
        """
        if not self.heartbeat():
            logger.info(
                "scheduler %s: %s skipped, another instance is active", self.holder, job.name
            )
            return None
        with self.app.app_context():
            run = self._open_run(job, slot)
            if run is None:
                return None
            try:
                with fenced(self.holder, self.lease_seconds, self.clock.now):
                    counts = job.work(at or self.clock.now())
                    db.session.commit()
                run.outcome, run.counts = "ok", json.dumps(counts, sort_keys=True)
            except LeaseLostError as lost:
                db.session.rollback()
                logger.warning("scheduler %s: job %s stopped: %s", self.holder, job.name, lost)
                run.outcome, run.error = "abandoned", str(lost)
            except Exception as error:  # the run is recorded whatever went wrong
                db.session.rollback()
                logger.exception("scheduler %s: job %s failed", self.holder, job.name)
                run.outcome, run.error = "error", f"{type(error).__name__}: {error}"[:4000]
            run.ended_at = self.clock.now()
            db.session.commit()
            db.session.refresh(run)
            db.session.expunge(run)
        return run

    def _open_run(self, job: Job, slot: datetime | None) -> JobRun | None:
        """Record the run as started; None if another instance already ran this slot."""
        run = JobRun(job=job.name, slot=slot, holder=self.holder, started_at=self.clock.now(),
                     outcome="running", counts="{}")  # fmt: skip
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            logger.info("scheduler %s: %s at %s already ran", self.holder, job.name, slot)
            return None
        return run

    def due_slot(self, job: Job, now: datetime) -> datetime | None:
        """The job's latest fire time at or before `now` not yet taken by this instance.

        Missed fire times are coalesced into the latest one: a job catches up once, not once
        per fire time it missed.
        """
        due = self._next.setdefault(job.name, job.trigger.get_next_fire_time(None, now))
        if due is None or due > now:
            return None
        slot, following = due, job.trigger.get_next_fire_time(due, now)
        while following is not None and following <= now:
            slot, following = following, job.trigger.get_next_fire_time(following, now)
        self._next[job.name] = following
        return slot

    def tick(self) -> list[JobRun]:
        """Run every job due by the clock (each at most once per tick); the runs recorded."""
        ran = []
        for job in self.jobs:
            slot = self.due_slot(job, self.clock.now())
            if slot is None:
                continue
            run = self.run_job(job, slot=slot)
            if run is not None:
                ran.append(run)
        return ran

    def fire(self, job: Job) -> JobRun | None:
        """Run a job for the fire time APScheduler just reached (its slot)."""
        slot = self.due_slot(job, self.clock.now())
        return None if slot is None else self.run_job(job, slot=slot)

    def start(self) -> None:
        """Run the jobs on their triggers in this process until it is stopped (blocks)."""
        scheduler = BlockingScheduler(timezone="UTC")
        beat = max(1, self.lease_seconds // 3)
        scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=beat), id="heartbeat",
                          max_instances=1, coalesce=True)  # fmt: skip
        now = self.clock.now()
        for job in self.jobs:
            # The same fire times APScheduler computes, so each call finds its slot due.
            self._next[job.name] = job.trigger.get_next_fire_time(None, now)
            scheduler.add_job(self.fire, job.trigger, args=[job], id=job.name,
                              max_instances=1, coalesce=True, misfire_grace_time=None)  # fmt: skip
        logger.info("scheduler %s starting with jobs %s", self.holder, [j.name for j in self.jobs])
        # SIGTERM (a service manager stopping us) unwinds like Ctrl-C, so the lease is released.
        signal.signal(signal.SIGTERM, _exit)
        self.heartbeat()
        try:
            scheduler.start()
        finally:
            self.release()

    def release(self) -> None:
        """Let the lease go at once, so that another instance need not wait out its expiry."""
        with self.app.app_context():
            lease.release(self.holder, self.clock.now())
            db.session.commit()


def _abandon_stale_runs(holder: str, now: datetime) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.outcome == "running", JobRun.holder != holder)
        .values(
            outcome="abandoned",
            ended_at=now,
            error="its scheduler stopped (or lost the lease) before the run ended",
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )


def _exit(signum, frame):
    raise SystemExit(0)
