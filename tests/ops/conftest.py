"""Fixtures for the operations tests: captured request-log lines, a stamped schema."""

import json
import logging

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from config import BASE_DIR
from sib.extensions import db


class Lines(logging.Handler):
    """Collects the request log's JSON lines, parsed."""

    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_lines():
    """The JSON lines `sib.requests` writes during the test, parsed, oldest first."""
    handler = Lines()
    logger = logging.getLogger("sib.requests")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.fixture
def migrations_head(app):
    """The revision(s) the migration scripts end at, read by Alembic itself."""
    return sorted(ScriptDirectory(str(BASE_DIR / "migrations")).get_heads())


@pytest.fixture
def stamp(app):
    """A factory: record revisions as applied (the suite builds its schema with create_all)."""

    def make(*revisions):
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            for revision in revisions:
                connection.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})

    yield make
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
