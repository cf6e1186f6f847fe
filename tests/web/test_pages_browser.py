"""Every page in a real browser (Debian's Chromium through Playwright), in Swedish and English:
its heading, no horizontal scroll at 1280 px, no long hash, and a screenshot."""

import re

import pytest

from tests.web.conftest import REFERENCE

C = f"/c/{REFERENCE}"
#: page, who opens it, and a text it shows in Swedish and in English
PAGES = [
    ("start",    "/",                         "finance",   "Väntar på dig",     "Waiting for you"),
    ("contract", C,                           "finance",   "Parterna och deras roller",
                                                           "Parties and their roles"),
    ("upload",   f"{C}/upload",               "provider",  "Ladda upp utfallsdata",
                                                           "Upload outcome data"),
    ("verify",   f"{C}/verify",               "evaluator", "Verifiera utfallsdata",
                                                           "Verify outcome data"),
    ("runs",     f"{C}/runs",                 "manager",   "Utbetalningskörningar", "Payment runs"),
    ("investor", f"{C}/investors/malar_fund", "investor",  "Investerarrapport",
                                                           "Investor statement"),
    ("payer",    f"{C}/payers/botkyrka",      "finance",   "Betalarrapport",    "Payer statement"),
    ("auditor",  f"{C}/history",              "auditor",   "Historik för",      "History of"),
    ("admin",    "/admin/users",              "admin",     "Användare, roller och nycklar",
                                                           "Users, roles and tokens"),
]  # fmt: skip
#: the names of form fields that have neither a <label> nor an aria-label
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
    .map(e => e.name)"""
LONG_HEX = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who", "swedish", "english"), PAGES,
                         ids=[p[0] for p in PAGES])  # fmt: skip
def test_page_reads_in_both_languages(open_page, live_server, tmp_path, lang, name, path, who,
                                      swedish, english):  # fmt: skip
    page = open_page(who, lang)
    page.goto(live_server + path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert (swedish if lang == "sv" else english) in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert not LONG_HEX.search(page.content())
    page.screenshot(path=str(tmp_path / f"{name}-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_sign_in_page_reads_in_both_languages(open_page, live_server, tmp_path, lang):
    page = open_page(None, lang)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == ("Logga in" if lang == "sv" else "Sign in")
    page.screenshot(path=str(tmp_path / f"login-{lang}.png"), full_page=True)


def test_every_field_is_reached_by_keyboard_and_has_a_label(open_page, live_server):
    page = open_page("admin", "en")
    page.goto(f"{live_server}/admin/users")
    unlabelled = page.evaluate(UNLABELLED)
    assert unlabelled == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") in ("Skip to content",)


def test_a_statement_prints_without_navigation_or_forms(open_page, live_server, tmp_path):
    page = open_page("investor", "en")
    page.goto(f"{live_server}/c/{REFERENCE}/investors/malar_fund")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("main form").first.is_visible()
    assert page.get_by_role("heading", name="Cash flows").is_visible()
    page.pdf(path=str(tmp_path / "investor-statement.pdf"))
