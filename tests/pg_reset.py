"""Drop and recreate the public schema of a PostgreSQL test database (used by ./dev test)."""

import sys

from sqlalchemy import create_engine, text


def reset(url: str) -> None:
    """Leave the database empty, as a fresh server would."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    reset(sys.argv[1])
