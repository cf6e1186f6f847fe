"""Fixtures for the web pages: the demo seeded with passwords, signed-in test clients, and a
live server on 127.0.0.1 driven by Debian's Chromium through Playwright."""

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from sib.extensions import db

REFERENCE = "BOT-NAC-2027"
PASSWORD = "demo-password-123"  # noqa: S105 - the demo users' password in these tests
CHROMIUM = "/usr/bin/chromium"
#: the day the live server acts on: after 2027's payment date (2028-03-31)
BUSINESS_DAY = date(2028, 6, 1)
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
#: the demo users by role (sib/auth/demo.py)
EMAILS = {
    "admin": "admin@utfall.example",
    "manager": "manager@utfall.example",
    "finance": "finance@botkyrka.example",
    "nacka": "finance@nacka.example",
    "region": "finance@region.example",
    "guarantor": "finance@trygga.example",
    "provider": "finance@framsteg.example",
    "evaluator": "evaluator@evaluator.example",
    "investor": "investor@malar-fund.example",
    "auditor": "auditor@region.example",
}


@pytest.fixture
def demo(app):
    """The demo contract, drawdowns and users (with PASSWORD), as `sib demo` seeds them."""
    from outcomes.demo import seed_demo_contract, seed_demo_drawdowns
    from sib.auth.demo import seed_demo_users

    contract = seed_demo_contract()
    seed_demo_drawdowns(contract)
    seed_demo_users(PASSWORD, tokens=False)
    db.session.commit()
    return contract


@pytest.fixture
def sign_in(app, demo):
    """A factory: a test client signed in as a demo user (by role name or email)."""

    def make(who: str, lang: str | None = None):
        client = app.test_client()
        answer = client.post("/login", data={"email": EMAILS.get(who, who), "password": PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        if lang:
            client.get(f"/lang/{lang}")
        return client

    return make


@pytest.fixture
def live_server(app, demo, monkeypatch):
    """The app served on 127.0.0.1 (a free port) in a thread, CSRF checked as in production.

    The business day is mid-2028 (sib.today), so that the demo's 2027 can be run and paid.
    """
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "TODAY", BUSINESS_DAY)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright; the tests skip (saying why) where it is absent."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, tmp_path):
    """A factory: a fresh browser page (1280 px wide) signed in as a demo user."""
    contexts = []

    def make(who: str | None = None, lang: str = "sv"):
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server}/lang/{lang}?next=/login")
        if who:
            page.get_by_label("E-post" if lang == "sv" else "Email").fill(EMAILS.get(who, who))
            page.get_by_label("Lösenord" if lang == "sv" else "Password").fill(PASSWORD)
            page.get_by_role("button", name="Logga in" if lang == "sv" else "Sign in").click()
            page.wait_for_url(f"{live_server}/")
        return page

    yield make
    for context in contexts:
        context.close()
