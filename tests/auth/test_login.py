"""Session login for the web pages: argon2 passwords, CSRF on forms, a slowdown after failures."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from sib.auth import login, passwords, service
from sib.auth.models import LoginThrottle, User
from sib.extensions import db

PASSWORD = "correct horse battery staple"
HERE, THERE = "192.0.2.10", "198.51.100.20"  # two client addresses (documentation ranges)
AT = datetime(2027, 1, 1, tzinfo=UTC)


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
    client.set_cookie("lang", "en")  # the pages speak Swedish unless asked
    response = log_in(client, email, password)
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # still signed out


def test_after_repeated_failures_even_the_right_password_waits(client, officer, monkeypatch):
    monkeypatch.setattr(service, "now", lambda: AT)  # a stopped clock: the wait cannot run out
    for _ in range(login.FREE_FAILURES):
        log_in(client, password="wrong password!")
    assert log_in(client).status_code == 302  # four failures are free; success resets the count
    client.post("/logout")
    for _ in range(login.FREE_FAILURES + 1):
        log_in(client, password="wrong password!")
    # the fifth failure slows down for 2 ** (5 - 4) = 2 seconds: the right password waits too
    assert log_in(client).status_code == 401


def attempt(password, *, client=HERE, at=AT, email="filip@botkyrka.test"):
    return login.user_for_login(email, password, client, at)


def locked_until(email="filip@botkyrka.test", client=HERE):
    """When the account's slowdown from this address ends, or None."""
    digest = hashlib.sha256(email.encode()).hexdigest()
    return db.session.scalar(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.account_sha256 == digest, LoginThrottle.client == client
        )
    )


def wait_of(at=AT):
    locked = locked_until()
    return (locked - at).total_seconds() if locked else None


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [
        (4,  None),  # free
        (5,  2),     # 2 ** (5 - 4)
        (8,  16),    # 2 ** (8 - 4)
        (30, 900),   # 2 ** 26 capped at 15 minutes
    ],
)  # fmt: skip
def test_the_slowdown_doubles_up_to_fifteen_minutes(officer, failures, seconds):
    at = AT
    for _ in range(failures):
        at = max(at, locked_until() or at)  # each attempt waits out the slowdown before it
        attempt("wrong password!", at=at)
    assert wait_of(at) == seconds


def test_attempts_during_the_slowdown_are_refused_unchecked(officer):
    for _ in range(login.FREE_FAILURES + 1):
        attempt("wrong password!")
    for _ in range(10):
        attempt("wrong password!")
    # refused without counting, so hammering does not stretch the wait
    assert wait_of() == 2


def test_the_slowdown_ends(officer):
    for _ in range(login.FREE_FAILURES + 1):
        attempt("wrong password!")
    assert attempt(PASSWORD, at=AT + timedelta(seconds=1)) is None
    assert attempt(PASSWORD, at=AT + timedelta(seconds=2)) is officer
    assert wait_of() is None  # success forgets the failures from that address


def test_a_stranger_cannot_lock_a_user_out(officer):
    for _ in range(20):
        attempt("wrong password!", client=THERE)
    assert attempt(PASSWORD, client=THERE) is None  # slowed down where the guessing happens
    assert attempt(PASSWORD, client=HERE) is officer  # the user, elsewhere, signs in


def test_a_stranger_cannot_lock_a_user_out_through_the_login_page(client, officer, monkeypatch):
    monkeypatch.setattr(service, "now", lambda: AT)  # a stopped clock: the wait cannot run out
    stranger = {"REMOTE_ADDR": THERE}
    for _ in range(login.FREE_FAILURES + 3):
        client.post("/login", data={"email": officer.email, "password": "guess 12345678"},
                    environ_base=stranger)  # fmt: skip
    refused = client.post(
        "/login", data={"email": officer.email, "password": PASSWORD}, environ_base=stranger
    )
    user = client.post(
        "/login", data={"email": officer.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": HERE},
    )  # fmt: skip
    assert (refused.status_code, user.status_code) == (401, 302)


@pytest.fixture
def hash_checks(monkeypatch):
    """Count the argon2 checks a login makes (the work that takes the time)."""
    checked = []
    real = passwords._hasher

    class CountingHasher:
        def hash(self, password):
            return real.hash(password)

        def verify(self, password_hash, password):
            checked.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    return checked


@pytest.mark.parametrize(
    ("case",               "email",                  "password"),
    [
        ("right password",  "filip@botkyrka.test",   PASSWORD),
        ("wrong password",  "filip@botkyrka.test",   "wrong password!"),
        ("unknown account", "nobody@botkyrka.test",  PASSWORD),
        ("inactive",        "inactive@botkyrka.test", PASSWORD),
        ("no password",     "tokens@botkyrka.test",  PASSWORD),
        ("locked, right",   "locked@botkyrka.test",  PASSWORD),
        ("locked, wrong",   "locked@botkyrka.test",  "wrong password!"),
        ("too long",        "filip@botkyrka.test",   "x" * 100_000),
    ],
)  # fmt: skip
def test_every_login_path_does_the_same_hash_work(
    officer, make_user, hash_checks, case, email, password
):
    make_user("finance_officer", "botkyrka", email="inactive@botkyrka.test", password=PASSWORD)
    make_user("finance_officer", "botkyrka", email="tokens@botkyrka.test")
    make_user("finance_officer", "botkyrka", email="locked@botkyrka.test", password=PASSWORD)
    db.session.execute(
        update(User).where(User.email == "inactive@botkyrka.test").values(active=False)
    )
    for _ in range(login.FREE_FAILURES + 1):
        attempt("wrong password!", email="locked@botkyrka.test")
    hash_checks.clear()
    attempt(password, email=email)
    assert len(hash_checks) == 1, case


def test_logout_ends_the_session(client, officer):
    log_in(client)
    client.post("/logout")
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        "/\r//evil.example",
        "\t//evil.example",
        "/\x00/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "///evil.example",
    ],
)
def test_login_never_redirects_off_the_site(client, officer, target):
    response = log_in(client, next=target)
    if "\x00" in target:
        # A NUL in any form field is refused before the view (sib/input_bounds.py).
        assert (response.status_code, response.headers.get("Location")) == (422, None)
        return
    assert response.headers["Location"] == "/account"


def test_an_encoded_tab_in_next_does_not_redirect_off_the_site(client, officer):
    response = client.post(
        "/login?next=/%09/evil.example",
        data={"email": "filip@botkyrka.test", "password": PASSWORD},
    )
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


def test_one_address_spraying_many_accounts_is_refused_for_every_account(officer):
    # 50 accounts, one wrong password each, from one address within a few minutes
    for n in range(login.ADDRESS_FAILURES):
        at = AT + timedelta(seconds=5 * n)
        assert attempt("Summer2027!", email=f"user{n}@botkyrka.test", at=at) is None
    last = AT + timedelta(seconds=5 * (login.ADDRESS_FAILURES - 1))
    # From that address even a right password is refused, and tells nothing...
    assert attempt(PASSWORD, at=last + timedelta(seconds=1)) is None
    # ... while the same user elsewhere signs in, and the address is let in again once 15
    # minutes have passed since its last failure.
    assert attempt(PASSWORD, client=THERE, at=last + timedelta(seconds=1)) == officer
    assert attempt(PASSWORD, at=last + timedelta(minutes=15, seconds=1)) == officer


def test_an_office_mistyping_passwords_is_not_refused(officer):
    # 45 people behind one address each mistype once in the same quarter of an hour
    for n in range(45):
        attempt("typo", email=f"user{n}@botkyrka.test", at=AT + timedelta(seconds=10 * n))
    assert attempt(PASSWORD, at=AT + timedelta(minutes=8)) == officer
