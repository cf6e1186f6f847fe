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
from sqlalchemy.exc import IntegrityError

from sib.extensions import db
from sib.scheduler import lease
from sib.scheduler.clock import SystemClock
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

    def heartbeat(self) -> bool:
        """Take or renew the lease; whether this instance is the active one."""
        with self.app.app_context():
            try:
                held = lease.acquire(self.holder, self.clock.now(), self.lease_seconds)
                db.session.commit()
            except IntegrityError:
                # Another instance created the lease row at the same moment: it holds it.
                db.session.rollback()
                return False
            except Exception:
                db.session.rollback()
                logger.exception("scheduler %s: heartbeat failed", self.holder)
                return False
        return held

    def run_job(self, job: Job, at: datetime | None = None) -> JobRun | None:
        """Run a job if this instance holds the lease, recording the run; None when it does not.

        `at` makes the job work as if it were that moment (deadlines, period close) while the
        lease and the run's own times stay on the clock, so a rehearsal never blocks takeover.
        """
        if not self.heartbeat():
            logger.info(
                "scheduler %s: %s skipped, another instance is active", self.holder, job.name
            )
            return None
        with self.app.app_context():
            run = JobRun(job=job.name, holder=self.holder, started_at=self.clock.now(),
                         outcome="running", counts="{}")  # fmt: skip
            db.session.add(run)
            db.session.commit()
            try:
                counts = job.work(at or self.clock.now())
                db.session.commit()
                run.outcome, run.counts = "ok", json.dumps(counts, sort_keys=True)
            except Exception as error:  # the run is recorded whatever went wrong
                db.session.rollback()
                logger.exception("scheduler %s: job %s failed", self.holder, job.name)
                run.outcome, run.error = "error", f"{type(error).__name__}: {error}"[:4000]
            run.ended_at = self.clock.now()
            db.session.commit()
            db.session.refresh(run)
            db.session.expunge(run)
        return run

    def tick(self) -> list[JobRun]:
        """Run every job due by the clock (each at most once per tick); the runs recorded."""
        now = self.clock.now()
        ran = []
        for job in self.jobs:
            if job.name not in self._next:
                self._next[job.name] = job.trigger.get_next_fire_time(None, now)
            due = self._next[job.name]
            if due is None or due > now:
                continue
            run = self.run_job(job)
            self._next[job.name] = job.trigger.get_next_fire_time(due, now)
            if run is not None:
                ran.append(run)
        return ran

    def start(self) -> None:
        """Run the jobs on their triggers in this process until it is stopped (blocks)."""
        scheduler = BlockingScheduler(timezone="UTC")
        beat = max(1, self.lease_seconds // 3)
        scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=beat), id="heartbeat",
                          max_instances=1, coalesce=True)  # fmt: skip
        for job in self.jobs:
            scheduler.add_job(self.run_job, job.trigger, args=[job], id=job.name,
                              max_instances=1, coalesce=True, misfire_grace_time=None)  # fmt: skip
        logger.info("scheduler %s starting with jobs %s", self.holder, [j.name for j in self.jobs])
        # SIGTERM (a service manager stopping us) unwinds like Ctrl-C, so the lease is released.
        signal.signal(signal.SIGTERM, _exit)
        self.heartbeat()
        try:
            scheduler.start()
        finally:
            with self.app.app_context():
                lease.release(self.holder, self.clock.now())
                db.session.commit()


def _exit(signum, frame):
    raise SystemExit(0)
