"""One JSON line per request: request id, user, organisation, route, status and duration.

The lines go to their own logger (`sib.requests`), written bare to stderr so that a log
shipper can parse each one as JSON; the application's other logs keep their text format.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request, request_finished, request_started

logger = logging.getLogger("sib.requests")
#: what a client-sent X-Request-Id may look like; anything else is replaced by a fresh id
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def bounded_request_id(sent: str | None) -> str:
    """The client's request id when it is short and plain, else a fresh random one."""
    if sent and REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def init_app(app: Flask) -> None:
    """Time every request and log it as one JSON line once its response is final."""
    _install_handler()
    request_started.connect(_start, app)
    request_finished.connect(_finish, app)


def _install_handler() -> None:
    # create_app may run several times in one process (tests): one handler is enough.
    if any(getattr(handler, "sib_requests", False) for handler in logger.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.sib_requests = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it), never a stale one."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _start(sender: Flask, **_extra) -> None:
    g.sib_started = time.perf_counter()


def _finish(sender: Flask, response: Response, **_extra) -> None:
    started = g.get("sib_started")
    actor = g.get("actor")
    line = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "request",
        "request_id": g.get("request_id"),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": actor.user_id if actor else None,
        "organisation_id": actor.organisation_id if actor else None,
    }
    logger.info(json.dumps(line, separators=(",", ":")))
