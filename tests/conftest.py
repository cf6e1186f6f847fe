"""Fixtures for the whole suite: the app on SQLite or PostgreSQL, a clean database per test."""

import os

import pytest
from sqlalchemy import text

from tests.pg_reset import worker_database

# Under pytest-xdist each worker gets a database of its own, set before the configuration is
# read (TestConfig, and the processes tests start, read TEST_DATABASE_URL).
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("TEST_DATABASE_URL", "").startswith(
    "postgresql"
):
    os.environ["TEST_DATABASE_URL"] = worker_database(
        os.environ["TEST_DATABASE_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from config import TestConfig  # noqa: E402
from sib import create_app  # noqa: E402
from sib.extensions import db  # noqa: E402


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
    return app


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """argon2id at the cost of one pass over 1 MiB: production's cost (3 passes over 64 MiB)
    is there to slow attackers, and would make every seeded demo user cost the suite seconds.
    The hashes are still argon2id, and a login still makes exactly one check."""
    from argon2 import PasswordHasher

    from sib.auth import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = real


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


# --- Users, organisations and tokens (issue 3) -------------------------------------------


@pytest.fixture
def make_organisation(app):
    """A factory: the organisation with this slug, created (and committed) if missing."""
    from contracts.models import Organisation

    def make(slug="elsewhere", **values):
        found = db.session.scalar(db.select(Organisation).where(Organisation.slug == slug))
        if found is None:
            values.setdefault("name", slug.title())
            values.setdefault("kind", "other")
            found = Organisation(slug=slug, **values)
            db.session.add(found)
            db.session.commit()
        return found

    return make


@pytest.fixture
def make_user(app, make_organisation):
    """A factory: a user with a role (or `roles=[...]`) in an organisation, by its slug."""
    from sib.actor import Actor
    from sib.auth import service

    counter = iter(range(1, 10_000))

    def make(role="admin", organisation="elsewhere", *, roles=None, **values):
        org = make_organisation(organisation)
        values.setdefault("email", f"{role}-{next(counter)}@{organisation}.test")
        values.setdefault("name", f"Test {role}")
        user = service.create_user(
            values.pop("email"), values.pop("name"), org.id, roles or [role],
            Actor.system("test"), **values,
        )  # fmt: skip
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_token(app):
    """A factory: a fresh bearer token (its plain value) for a user."""
    from sib.actor import Actor
    from sib.auth import service

    def make(user, days=30, name="test"):
        _, plain = service.create_token(user, Actor.system("test"), name=name, days=days)
        db.session.commit()
        return plain

    return make


@pytest.fixture
def auth_headers(make_user, make_token):
    """A factory: {"Authorization": "Bearer ..."} of a new user with a role in an organisation."""

    def headers(role="admin", organisation="elsewhere", **values):
        return {"Authorization": f"Bearer {make_token(make_user(role, organisation, **values))}"}

    return headers


@pytest.fixture
def demo_contract(app):
    """The demo contract (examples/demo-terms.json) imported as version 1."""
    import json
    from pathlib import Path

    from contracts import service
    from sib.actor import Actor

    text_ = (Path(__file__).resolve().parent.parent / "examples" / "demo-terms.json").read_text(
        encoding="utf-8"
    )
    contract = service.import_contract(json.loads(text_), Actor.system("test"), text=text_)
    db.session.commit()
    return contract
