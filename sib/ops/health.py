"""GET /healthz (the process answers) and GET /readyz (it can serve: database, schema, scheduler).

Both live outside /api/v1 and need no token, so that a load balancer or an orchestrator can
probe them. /healthz never touches the database: a database outage must not make every web
process look dead and get restarted.
"""

import functools
from datetime import UTC, datetime

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, json
from sqlalchemy import Connection, select, text

from sib.extensions import db
from sib.ops.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE_ERRORS
from sib.problems import PROBLEM_TYPE
from sib.scheduler.lease import LEASE_NAME
from sib.scheduler.models import SchedulerLease

blueprint = Blueprint("ops", __name__)


@blueprint.get("/healthz")
def healthz():
    """The process is up and serving requests."""
    return {"status": "ok"}


@blueprint.get("/readyz")
def readyz():
    """200 when every check passes, else a 503 problem listing the checks."""
    checks = readiness(datetime.now(UTC))
    if not current_app.config.get("READY_REQUIRES_SCHEDULER", True):
        checks["scheduler"]["required"] = False
    failed = [name for name, check in checks.items() if _fails(check)]
    if not failed:
        return {"status": "ready", "checks": checks}
    body = {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Not ready: " + ", ".join(failed) + ".",
        "checks": checks,
    }
    response = Response(json.dumps(body), status=503, mimetype=PROBLEM_TYPE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _fails(check: dict) -> bool:
    return not check["ok"] and check.get("required", True)


def readiness(now: datetime) -> dict:
    """Check the database answers, its schema is at the migrations' head, a scheduler holds."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            migrations = _migrations(connection)
            # Without the current schema the lease table may not even exist.
            scheduler = (
                _scheduler(connection, now)
                if migrations["ok"]
                else {"ok": False, "detail": "unknown until the migrations are current"}
            )
            return {"database": {"ok": True}, "migrations": migrations, "scheduler": scheduler}
    except UNAVAILABLE_ERRORS as error:
        reason = type(error).__name__
        unknown = {"ok": False, "detail": "database unreachable"}
        return {
            "database": {"ok": False, "detail": reason},
            "migrations": dict(unknown),
            "scheduler": dict(unknown),
        }


def _migrations(connection: Connection) -> dict:
    head = sorted(script_heads(current_app.extensions["migrate"].directory))
    current = sorted(MigrationContext.configure(connection).get_current_heads())
    check = {"ok": current == head, "database": current, "head": head}
    if not check["ok"]:
        check["detail"] = "run `sib db upgrade`" if current != [] else "no migrations applied"
    return check


@functools.cache
def script_heads(directory: str) -> tuple[str, ...]:
    """The head revisions of the migration scripts (read once per process: they never change)."""
    return tuple(ScriptDirectory(directory).get_heads())


def _scheduler(connection: Connection, now: datetime) -> dict:
    lease = connection.execute(
        select(SchedulerLease.__table__).where(SchedulerLease.name == LEASE_NAME)
    ).first()
    if lease is None:
        return {"ok": False, "detail": "no scheduler has ever held the lease"}
    check = {
        "ok": lease.expires_at > now,
        "holder": lease.holder,
        "heartbeat_age_seconds": round((now - lease.renewed_at).total_seconds()),
        "expires_in_seconds": round((lease.expires_at - now).total_seconds()),
    }
    if not check["ok"]:
        check["detail"] = "the lease expired: no scheduler is running"
    return check
