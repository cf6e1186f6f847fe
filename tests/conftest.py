"""Fixtures shared by the whole suite: the app on SQLite or PostgreSQL, a clean database per test."""

import pytest
from sqlalchemy import text

from config import TestConfig
from sib import create_app
from sib.extensions import db


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        # Triggers and other DDL the models cannot express are installed by the same hook
        # the migrations call, so tests see the production schema.
        from sib.schema_extras import install_extras

        install_extras(db.engine)
    yield app


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    if "app" not in request.fixturenames and not _uses_app(request):
        yield
        return
    with app.app_context():
        yield
        db.session.remove()
        _empty_all_tables()


def _uses_app(request) -> bool:
    return any(name in request.fixturenames for name in ("client", "db_session", "runner"))


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    return db.session
