"""The demo story in a real browser, from the template download to the auditor's timeline."""

import re
from datetime import date

import openpyxl

from tests.outcomes.submissions.workbooks import PERSON_BAD, filled
from tests.web.conftest import PASSWORD, REFERENCE

#: the 2027 figures (hand-checked in tests/outcomes/payments): SAFE 56 against 52 in the
#: comparison areas pays the upper safety tier; absence 8 % reaches the attendance target
VALUES_2027 = [("SAFE", "2027", None, 56, None), ("SAFE_CG", "2027", None, 52, None),
               ("ABSENCE", "2027", None, 8, None)]  # fmt: skip
JOBS_2027 = [(f"P-{n:03d}", "EMP6", "2027", date(2027, 6, 1), "Alby") for n in range(1, 11)]
#: what is wrong in the first file: an unknown metric, an identity number failing its check
WRONG = [("EMP7", "2027", None, 3, None), *VALUES_2027]
REGION_OFFICER = "budget@region.example"
#: who approves and pays for each organisation owing something in the run
PAYERS = {"Botkyrka kommun": "finance", "Nacka kommun": "nacka", "Region Stockholm": REGION_OFFICER,
          "Stiftelsen Trygga Grannskap": "guarantor"}  # fmt: skip
WRONG_JOBS = [(PERSON_BAD, "EMP6", "2027", date(2027, 6, 1), "Alby"), *JOBS_2027[1:]]


def test_the_demo_story_in_a_browser(open_page, live_server, tmp_path):
    officer = open_page("provider", "sv")  # the provider's finance officer reports outcomes
    template = _download_template(officer, tmp_path)
    _upload(officer, tmp_path / "utfall-2027.xlsx", filled(template, WRONG, WRONG_JOBS))
    problems = officer.locator("table").last.inner_text()
    assert "EMP7" in problems
    assert PERSON_BAD not in officer.content()  # the identity number is never shown
    officer.screenshot(path=str(tmp_path / "story-1-problems.png"), full_page=True)
    with officer.expect_download() as marked:
        officer.get_by_role("link", name="Ladda ner din arbetsbok med felen markerade").click()
    marked.value.save_as(tmp_path / "marked.xlsx")
    assert "Errors" in openpyxl.load_workbook(tmp_path / "marked.xlsx").sheetnames
    officer.get_by_role("link", name="Ladda upp en rättad fil").click()
    _upload(officer, tmp_path / "utfall-2027-rattad.xlsx", filled(template, VALUES_2027, JOBS_2027))
    assert "väntar på verifiering" in officer.locator("main").inner_text()

    evaluator = open_page("evaluator", "en")
    evaluator.get_by_role("link", name=re.compile(r"^Verify utfall-2027-rattad\.xlsx")).click()
    assert "SAFE" in evaluator.locator("table").inner_text()
    evaluator.get_by_label("Comment (required to dispute)").fill("Checked against the survey.")
    evaluator.get_by_role("button", name="Verify", exact=True).click()
    assert "is verified" in evaluator.locator("main").inner_text()

    # The region's new budget officer approves the region's share.
    _create_finance_officer(open_page("admin", "en"), REGION_OFFICER, "Region Stockholm")

    manager = open_page("manager", "en")
    manager.get_by_role("link", name="Payment runs").first.click()
    manager.get_by_label("Period").select_option("2027")
    manager.get_by_role("button", name="Compute a payment run").click()
    run_url = manager.url
    assert "draft" in manager.locator("main").inner_text()
    payers = _payers(manager)
    assert {"Botkyrka kommun", "Nacka kommun", "Region Stockholm"} <= set(payers)
    manager.screenshot(path=str(tmp_path / "story-2-run.png"), full_page=True)

    for name in payers:
        payer = open_page(PAYERS[name], "sv")
        payer.get_by_role("link", name=re.compile("Godkänn er andel")).first.click()
        payer.get_by_role("button", name=re.compile("Godkänn vår andel")).click()
        assert "Er andel av körning" in payer.locator("main").inner_text()
    manager.goto(run_url)
    assert "approved" in manager.locator("dl").inner_text()

    for name in payers:
        payer = open_page(PAYERS[name], "en")
        payer.goto(run_url)
        payer.get_by_label("Paid on (YYYY-MM-DD)").fill("2028-04-30")
        payer.get_by_label("Payment reference").fill(f"BG 5555-1234 / {name}")
        payer.get_by_role("button", name="Record our payment").click()
        assert "is recorded" in payer.locator("main").inner_text()
    manager.goto(run_url)
    assert "settled" in manager.locator("dl").inner_text()

    investor = open_page("investor", "sv")
    investor.get_by_role("link", name="Min investerarrapport").click()
    investor.get_by_label("Per datum").fill("2028-06-01")
    investor.get_by_role("button", name="Visa").click()
    distributions = investor.locator("table").last.inner_text()
    assert "2027" in distributions
    investor.screenshot(path=str(tmp_path / "story-3-investor.png"), full_page=True)
    with investor.expect_download() as statement:
        investor.get_by_role("link", name="Ladda ner som Excel").click()
    statement.value.save_as(tmp_path / "statement.xlsx")
    assert openpyxl.load_workbook(tmp_path / "statement.xlsx").sheetnames

    auditor = open_page("auditor", "en")
    auditor.get_by_role("link", name="History and audit").click()
    timeline = auditor.locator(".timeline").inner_text()
    for step in (
        "Contract created",
        "File rejected with problems",
        "File uploaded and read",
        "Outcome data verified",
        "Payment run computed",
        "Payer approved its share",
        "Payment run approved",
        "Payment recorded",
        "Payment run settled",
    ):
        assert step in timeline, step
    assert "intact" in auditor.locator("#chain").inner_text()
    auditor.screenshot(path=str(tmp_path / "story-4-auditor.png"), full_page=True)


def _payers(page) -> list[str]:
    """The organisations that owe something in the run on the page."""
    rows = page.locator("h2:has-text('Who pays') + table tbody tr")
    return [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]


def _download_template(page, tmp_path) -> bytes:
    page.get_by_role("link", name="Ladda upp utfallsdata").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner mallen").click()
    path = tmp_path / "mall.xlsx"
    download.value.save_as(path)
    return path.read_bytes()


def _upload(page, path, data: bytes) -> None:
    path.write_bytes(data)
    page.get_by_label("Arbetsbok (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Ladda upp", exact=True).click()
    page.wait_for_url(re.compile(rf"/c/{REFERENCE}/submissions/\d+$"))


def _create_finance_officer(page, email: str, organisation: str) -> None:
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/admin/users")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill(f"Budget {organisation}")
    page.get_by_label("Organisation").select_option(label=organisation)
    page.get_by_label("finance officer").check()
    page.get_by_label("Password (at least 12 characters; leave empty for API tokens only)").fill(
        PASSWORD
    )
    page.get_by_role("button", name="Create user").click()
    assert f"User {email} created" in page.locator("main").inner_text()
