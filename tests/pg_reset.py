"""Drop and recreate the public schema of a PostgreSQL test database (used by ./dev test)."""

import sys

from sqlalchemy import create_engine, make_url, text


def reset(url: str) -> None:
    """Leave the database empty, as a fresh server would."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def worker_database(url: str, worker: str) -> str:
    """The URL of a pytest-xdist worker's own database beside `url`, created empty if needed.

    Each worker empties its tables after every test, so two workers cannot share one database.
    """
    base = make_url(url)
    mine = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": mine.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{mine.database}"'))
    engine.dispose()
    reset(mine.render_as_string(hide_password=False))
    return mine.render_as_string(hide_password=False)


if __name__ == "__main__":
    reset(sys.argv[1])
