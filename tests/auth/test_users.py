"""Admins create users of organisations with roles, through the API and the command line."""

import pytest
from sqlalchemy import select

from sib.audit import AuditEvent
from sib.auth.models import User
from sib.extensions import db


@pytest.fixture
def admin(auth_headers, make_organisation):
    make_organisation("botkyrka")
    return auth_headers("admin", "utfall")


def new_user(**changes):
    return {
        "email": "Nils@Botkyrka.test",
        "name": "Nils",
        "organisation": "botkyrka",
        "roles": ["finance_officer"],
        **changes,
    }


def test_an_admin_creates_a_user_of_an_organisation(client, admin):
    response = client.post("/api/v1/users", json=new_user(), headers=admin)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["email"], body["roles"]) == ("nils@botkyrka.test", ["finance_officer"])


def test_creating_a_user_is_audited_without_the_password(client, admin):
    client.post("/api/v1/users", json=new_user(password="a long enough secret"), headers=admin)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "user.created"
    assert event.actor.startswith("user:admin-")
    assert "a long enough secret" not in event.change
    assert "argon2" not in event.change


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"roles": ["superuser"]},           "$.roles[0]"),
        ({"roles": []},                      "$.roles"),
        ({"email": "not an email"},          "$.email"),
        ({"organisation": "atlantis"},       "$.organisation"),
        ({"password": "short"},              "$.password"),
    ],
)  # fmt: skip
def test_a_bad_user_is_422_naming_the_field(client, admin, changes, path):
    response = client.post("/api/v1/users", json=new_user(**changes), headers=admin)
    assert response.status_code == 422
    assert path in [e["path"] for e in response.get_json()["errors"]]


def test_an_email_is_taken_once_whatever_its_case(client, admin):
    client.post("/api/v1/users", json=new_user(), headers=admin)
    again = client.post("/api/v1/users", json=new_user(email="NILS@botkyrka.test"), headers=admin)
    assert again.status_code == 409


def test_the_password_never_comes_back(client, admin):
    response = client.post(
        "/api/v1/users", json=new_user(password="a long enough secret"), headers=admin
    )
    assert "password" not in response.get_data(as_text=True)


def test_users_are_created_from_the_command_line(runner, make_organisation):
    make_organisation("region")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "astrid@region.test",
            "--name",
            "Astrid",
            "--organisation",
            "region",
            "--role",
            "auditor",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "astrid@region.test"))
    assert user.roles == {"auditor"}


def test_the_command_line_names_an_unknown_organisation(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "a@b.test",
            "--name",
            "A",
            "--organisation",
            "atlantis",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 1
    assert "No organisation atlantis" in result.output
