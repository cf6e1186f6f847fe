"""Session login for the web pages: argon2 passwords, CSRF on forms, a slowdown after failures."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sib.auth import service
from sib.auth.models import User
from sib.extensions import db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(make_user):
    return make_user("finance_officer", "botkyrka", email="filip@botkyrka.test", password=PASSWORD)


def log_in(client, email="filip@botkyrka.test", password=PASSWORD, **query):
    return client.post("/login", data={"email": email, "password": password}, query_string=query)


def test_the_right_password_starts_a_session(client, officer):
    response = log_in(client)
    assert response.status_code == 302
    assert "filip@botkyrka.test" in client.get("/account").get_data(as_text=True)


def test_the_password_is_stored_as_an_argon2_hash(officer):
    assert officer.password_hash.startswith("$argon2id$")
    assert PASSWORD not in officer.password_hash


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("filip@botkyrka.test", "wrong password!"),
        ("nobody@botkyrka.test", PASSWORD),
        ("", ""),
    ],
)
def test_a_wrong_email_or_password_is_refused_with_one_message(client, officer, email, password):
    response = log_in(client, email, password)
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # still signed out


def test_after_repeated_failures_even_the_right_password_waits(client, officer):
    for _ in range(service.FREE_FAILURES):
        log_in(client, password="wrong password!")
    assert log_in(client).status_code == 302  # four failures are free; success resets the count
    client.post("/logout")
    for _ in range(service.FREE_FAILURES + 1):
        log_in(client, password="wrong password!")
    # the fifth failure locks for 2 ** (5 - 4) = 2 seconds: the right password is refused now
    assert log_in(client).status_code == 401
    user = db.session.scalar(select(User).where(User.email == "filip@botkyrka.test"))
    assert user.failed_logins == service.FREE_FAILURES + 1


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [
        (4, None),  # free
        (5, 2),  # 2 ** (5 - 4)
        (8, 16),  # 2 ** (8 - 4)
        (30, 900),  # 2 ** 26 capped at 15 minutes
    ],
)
def test_the_slowdown_doubles_up_to_fifteen_minutes(officer, failures, seconds):
    at = datetime(2027, 1, 1, tzinfo=UTC)
    for _ in range(failures):
        # each attempt waits out the lock before it, so every one of them counts
        at = max(at, officer.locked_until or at)
        service.user_for_login(officer.email, "wrong password!", at)
    locked = officer.locked_until
    assert (locked - at if locked else None) == (timedelta(seconds=seconds) if seconds else None)


def test_attempts_during_the_slowdown_are_refused_unchecked(officer):
    at = datetime(2027, 1, 1, tzinfo=UTC)
    for _ in range(service.FREE_FAILURES + 1):
        service.user_for_login(officer.email, "wrong password!", at)
    for _ in range(10):
        service.user_for_login(officer.email, "wrong password!", at)
    # refused without counting, so hammering does not stretch the lock
    assert officer.failed_logins == service.FREE_FAILURES + 1


def test_the_slowdown_ends(officer):
    at = datetime(2027, 1, 1, tzinfo=UTC)
    for _ in range(service.FREE_FAILURES + 1):
        service.user_for_login(officer.email, "wrong password!", at)
    assert service.user_for_login(officer.email, PASSWORD, at + timedelta(seconds=1)) is None
    assert service.user_for_login(officer.email, PASSWORD, at + timedelta(seconds=2)) is officer
    assert officer.failed_logins == 0


def test_logout_ends_the_session(client, officer):
    log_in(client)
    client.post("/logout")
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_the_site(client, officer, target):
    response = log_in(client, next=target)
    assert response.headers["Location"] == "/account"


def test_login_returns_to_a_local_page(client, officer):
    assert log_in(client, next="/account?tab=1").headers["Location"] == "/account?tab=1"


def test_a_session_does_not_authenticate_the_api(client, officer):
    log_in(client)
    assert client.get("/api/v1/me").status_code == 401


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_form_without_its_csrf_token_is_refused(client, officer, csrf_on):
    assert log_in(client).status_code == 400


def test_a_form_with_its_csrf_token_is_accepted(client, officer, csrf_on):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": officer.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_the_api_needs_no_csrf_token(client, auth_headers, csrf_on):
    response = client.post("/api/v1/users", json={}, headers=auth_headers("admin", "utfall"))
    assert response.status_code == 422  # reached validation: no CSRF refusal


def test_the_session_cookie_is_http_only_and_same_site(client, officer):
    cookie = log_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
