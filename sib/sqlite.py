"""Makes SQLite transactions real: savepoints nest inside a BEGIN, foreign keys hold, WAL.

The sqlite3 module opens transactions lazily on the first write, so a SAVEPOINT issued
before it (session.begin_nested()) runs outside any transaction and commits on release.
Handing transaction control to SQLAlchemy is the fix its documentation gives.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def make_transactions_real(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself on a SQLite engine; a no-op on other databases."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers must not block a writer's commit now that reads open transactions too;
        # write-ahead logging gives that (and lets the scheduler and the web app share a file).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
