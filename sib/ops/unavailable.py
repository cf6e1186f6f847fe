"""A database that is gone for a moment answers 503 with Retry-After, logged in one line.

A restarted or failed-over PostgreSQL drops every pooled connection: the requests in flight
fail once (pool_pre_ping replaces the dead connections of the requests after them), and the
client is told to retry rather than handed a 500 and the log a traceback per request.
"""

import contextlib
import logging

from flask import Flask, g
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from sib.extensions import db
from sib.problems import problem_response

logger = logging.getLogger(__name__)
#: seconds a client should wait before trying again; about how long a PostgreSQL restart takes
RETRY_AFTER_SECONDS = 5
#: a lost connection or a database refusing connections (OperationalError, InterfaceError),
#: and a pool with no connection free in time (the database is too slow to keep up)
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)


def init_app(app: Flask) -> None:
    """Answer the database's transient failures as 503 problems."""
    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, database_unavailable)
    # Teardowns run last-registered first: this one ends the session before Flask-SQLAlchemy's.
    app.teardown_appcontext(_end_session)


def _end_session(_error: BaseException | None) -> None:
    # Ending the session rolls back on its connection; on a connection the server dropped that
    # raises, and from a teardown it would escape Flask and become gunicorn's HTML 500.
    try:
        db.session.remove()
    except UNAVAILABLE_ERRORS as error:
        logger.debug("discarded a session whose connection was lost: %s", _first_line(error))
        with contextlib.suppress(Exception):
            db.session.invalidate()
        db.session.registry.clear()


def database_unavailable(error: Exception):
    """Log one line naming the failure (never the SQL or its parameters) and answer 503."""
    if isinstance(error, InterfaceError) and not error.connection_invalidated:
        # e.g. sqlite3's "Error binding parameter": a bug to see as a 500, not an outage
        raise error
    logger.warning(
        "database unavailable, answered 503 (request %s): %s: %s",
        g.get("request_id"),
        type(error).__name__,
        _first_line(error),
    )
    return problem_response(
        503,
        "The database is unavailable for a moment (restarting, failing over or overloaded); "
        f"retry after {RETRY_AFTER_SECONDS} seconds.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _first_line(error: Exception) -> str:
    # The driver's message, not SQLAlchemy's text, which quotes the statement and parameters.
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return text[0][:300] if text else ""
