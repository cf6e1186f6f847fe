"""Setting a user's password: `sib users set-password` and the admins' API, both audited."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sib.audit import AuditEvent
from sib.auth import login, service
from sib.extensions import db

NEW = "a brand new passphrase"


@pytest.fixture
def officer(make_user):
    return make_user("finance_officer", "botkyrka", email="nils@botkyrka.test")


def signs_in(client, password, email="nils@botkyrka.test"):
    response = client.post("/login", data={"email": email, "password": password})
    client.post("/logout")
    return response.status_code == 302


def last_event():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()


def test_the_command_line_sets_a_password_from_standard_input(runner, client, officer):
    result = runner.invoke(
        args=["users", "set-password", "Nils@Botkyrka.test", "--password-stdin"], input=NEW + "\n"
    )
    assert result.exit_code == 0, result.output
    assert signs_in(client, NEW)


def test_the_command_line_prompts_twice_for_a_password(runner, client, officer):
    result = runner.invoke(
        args=["users", "set-password", "nils@botkyrka.test"], input=f"{NEW}\n{NEW}\n"
    )
    assert result.exit_code == 0, result.output
    assert signs_in(client, NEW)


@pytest.mark.parametrize(
    ("email",               "password",  "message"),
    [
        ("nils@botkyrka.test", "short",  "at least 12 characters"),
        ("nobody@botkyrka.test", NEW,    "No user nobody@botkyrka.test"),
    ],
)  # fmt: skip
def test_the_command_line_refuses_with_the_reason(runner, officer, email, password, message):
    result = runner.invoke(
        args=["users", "set-password", email, "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code == 1
    assert message in result.output


def test_setting_a_password_is_audited_without_it(runner, officer):
    runner.invoke(args=["users", "set-password", officer.email, "--password-stdin"], input=NEW)
    event = last_event()
    assert (event.action, event.entity_id, event.actor) == (
        "user.password_set",
        str(officer.id),
        "system:cli",
    )
    assert NEW not in event.change
    assert "argon2" not in event.change


def test_an_admin_sets_a_users_password_through_the_api(client, auth_headers, officer):
    response = client.put(
        f"/api/v1/users/{officer.id}/password",
        json={"password": NEW},
        headers=auth_headers("admin", "utfall"),
    )
    assert response.status_code == 204
    assert signs_in(client, NEW)
    assert last_event().action == "user.password_set"
    assert last_event().actor.startswith("user:admin-")


@pytest.mark.parametrize(
    ("role",              "body",                 "status"),
    [
        ("admin",         {"password": "short"},  422),
        ("admin",         {},                     422),
        ("finance_officer", {"password": NEW},    403),
        ("auditor",       {"password": NEW},      403),
    ],
)  # fmt: skip
def test_only_admins_set_passwords_and_only_good_ones(
    client, auth_headers, officer, role, body, status
):
    response = client.put(
        f"/api/v1/users/{officer.id}/password", json=body, headers=auth_headers(role, "botkyrka")
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert not signs_in(client, NEW)


def test_a_password_reset_lifts_the_login_slowdown(client, auth_headers, make_user, monkeypatch):
    at = datetime(2027, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(service, "now", lambda: at)  # a stopped clock: the wait cannot run out
    user = make_user("finance_officer", "botkyrka", email="nils@botkyrka.test", password=NEW)
    for _ in range(login.FREE_FAILURES + 1):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert not signs_in(client, NEW)  # slowed down
    headers = auth_headers("admin", "utfall")
    client.put(f"/api/v1/users/{user.id}/password", json={"password": NEW}, headers=headers)
    assert signs_in(client, NEW)


def test_setting_the_password_of_no_user_is_404(client, auth_headers):
    response = client.put(
        "/api/v1/users/999/password", json={"password": NEW}, headers=auth_headers()
    )
    assert response.status_code == 404
