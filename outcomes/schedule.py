"""The scheduler's timetable and the `sib scheduler` command that runs it in its own process."""

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import click
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from outcomes import jobs
from outcomes.inbox.scan import InboxScan
from outcomes.submissions.settings import settings_from
from sib.scheduler.runner import Job, Scheduler

#: where interval jobs count their fire times from: every instance gets the same slots
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def timetable(config: Mapping, *, start: datetime | None = None) -> list[Job]:
    """The jobs and when they fire (UTC), from the configuration."""
    return [
        Job(
            "inbox",
            IntervalTrigger(
                seconds=inbox_interval(config), start_date=start or EPOCH, timezone="UTC"
            ),
            InboxScan(
                Path(config["INBOX_DIR"]),
                settings_from(config),
                Path(config["INBOX_FOLDERS"]),
                quiet_seconds=int(config.get("INBOX_QUIET_SECONDS", 60)),
            ),
        ),  # fmt: skip
        Job("period_close", cron(config["PERIOD_CLOSE_CRON"]), jobs.close_periods),
        Job("overdue", cron(config["OVERDUE_CRON"]), jobs.flag_overdue_periods),
        Job("audit_checkpoint", cron(config.get("AUDIT_CHECKPOINT_CRON", "45 2 * * *")),
            jobs.publish_audit_checkpoint),
    ]  # fmt: skip


def inbox_interval(config: Mapping) -> int:
    """Seconds between inbox scans: INBOX_SCAN_SECONDS if set, else INBOX_SCAN_MINUTES."""
    return int(config.get("INBOX_SCAN_SECONDS") or 0) or 60 * int(config["INBOX_SCAN_MINUTES"])


def cron(expression: str) -> CronTrigger:
    """A crontab line in UTC; six fields put seconds first (`*/2 * * * * *`, for rehearsals)."""
    fields = expression.split()
    if len(fields) != 6:
        return CronTrigger.from_crontab(expression, timezone="UTC")
    second, minute, hour, day, month, day_of_week = fields
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                       day_of_week=day_of_week, timezone="UTC")  # fmt: skip


def scheduler_for(app, *, clock=None, holder=None, start: datetime | None = None) -> Scheduler:
    """A scheduler instance running the timetable under the database lease."""
    return Scheduler(
        app,
        timetable(app.config, start=start),
        lease_seconds=int(app.config["SCHEDULER_LEASE_SECONDS"]),
        clock=clock,
        holder=holder,
    )


@click.command("scheduler")
@click.option(
    "--once", is_flag=True, help="Run every job once now (if this instance gets the lease)."
)
@click.option(
    "--at",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="With --once: let the jobs work as if it were this UTC moment (a rehearsal).",
)
def scheduler_command(once: bool, at: datetime | None) -> None:
    """Run the scheduler (inbox scans, period close, overdue flags) until stopped."""
    app = current_app._get_current_object()
    scheduler = scheduler_for(app)
    if at and not once:
        raise click.UsageError("--at only goes with --once")
    if once:
        moment = at.replace(tzinfo=UTC) if at else None
        for job in scheduler.jobs:
            run = scheduler.run_job(job, at=moment)
            click.echo(f"{job.name}: " + ("another scheduler is active" if run is None
                                          else f"{run.outcome} {run.counts}"))  # fmt: skip
        return
    scheduler.start()


commands = [scheduler_command]
