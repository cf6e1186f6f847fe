"""DDL the models cannot express (e.g. PostgreSQL triggers), shared by migrations and tests."""

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: PostgreSQL: the audit log is append-only, whatever the application or a person at psql does
#: (short of a superuser disabling the trigger, which verify_chain would still catch).
AUDIT_APPEND_ONLY = (
    """
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    """
    CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    """,
)
DROP_AUDIT_APPEND_ONLY = (
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)


def install_extras(bind) -> None:
    """Install database objects beyond tables; a no-op where the dialect needs none.

    `bind` is an Engine (tests) or a Connection (a migration's `op.get_bind()`).
    """
    _run(bind, AUDIT_APPEND_ONLY)


def remove_extras(bind) -> None:
    """Undo install_extras (a migration's downgrade)."""
    _run(bind, DROP_AUDIT_APPEND_ONLY)


def _run(bind, statements) -> None:
    if bind.dialect.name != "postgresql":
        return
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            _run(connection, statements)
        return
    for statement in statements:
        bind.execute(text(statement))
