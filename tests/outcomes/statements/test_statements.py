"""Investor and payer statements of the demo contract against hand-computed figures."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from contracts.models import Organisation
from outcomes.statements.investor import build_investor_statement
from outcomes.statements.payer import build_payer_statement
from sib.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATEMENTS = "/api/v1/{kind}/{org}/statements{suffix}?contract=BOT-NAC-2027"


def organisation(slug):
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def test_the_senior_investors_statement(approved_both):
    s = build_investor_statement(approved_both, organisation("malar_fund"), date(2029, 4, 1))
    assert [(p["period"], p["principal"], p["return"]) for p in s["distributions"]] == [
        ("2027", Decimal("4725000"), Decimal("0")),
        ("2028", Decimal("575000"), Decimal("0")),
    ]
    assert s["outstanding_principal"] == Decimal("4700000")
    # 5 % a year, simple, days/365: 10 000 000 for 455 days to 2028-03-31 = 623 287.671233;
    # 5 275 000 for 365 days to 2029-03-31 = 263 750; 4 700 000 for 1 day = 643.835616.
    assert s["return_allowed_to_date"] == Decimal("887681.51")
    assert s["return_accrued_unpaid"] == Decimal("887681.51")
    # Best case: 4 700 000 stays out to 2031-03-31 (730 days more: 470 000), so the cap allows
    # 623 287.671233 + 263 750 + 470 000 = 1 357 037.67 of return, plus the principal.
    assert s["best_case"]["still_to_come"] == Decimal("6057037.67")
    assert s["best_case"]["money_back"] == Decimal("11357037.67")
    # Worst case: the guarantee covers the junior tranche only; nothing more comes.
    assert s["worst_case"]["money_back"] == Decimal("5300000")
    assert s["xirr_to_date"] < 0 < s["best_case"]["xirr"]


def test_the_junior_investors_worst_case_is_its_capped_guarantee(approved_both):
    s = build_investor_statement(approved_both, organisation("sodertorn_impact"), date(2029, 4, 1))
    # Both periods went wholly to the senior tranche: nothing for the junior yet.
    assert [(p["principal"], p["return"]) for p in s["distributions"]] == [(0, 0), (0, 0)]
    # total cap 30 % of 5 000 000 drawn; the guarantee: 0.8 x 5 000 000 = 4 000 000, capped at
    # 1 000 000.
    assert s["return_allowed_to_date"] == Decimal("1500000")
    assert s["best_case"]["money_back"] == Decimal("6500000")
    assert s["worst_case"]["money_back"] == Decimal("1000000")
    assert s["xirr_to_date"] is None


def test_botkyrkas_statement_shows_its_binding_cap_and_what_it_must_budget(approved_both):
    s = build_payer_statement(approved_both, organisation("botkyrka"))
    years = {y["year"]: y for y in s["years"]}
    # 2027 paid 2028-03-31: 2 475 000 owed, capped at 2 200 000; the 275 000 held back is paid
    # with 2028's 135 000 on 2029-03-31: 410 000.
    assert [(p["period"], p["year"], p["approved"]) for p in s["periods"]] == [
        ("2027", 2028, Decimal("2200000")), ("2028", 2029, Decimal("410000")),
        ("2029", 2030, Decimal("0")), ("2030", 2031, Decimal("0"))]  # fmt: skip
    assert (years[2028]["cap_remaining"], years[2028]["max_still_possible"]) == (0, 0)
    assert years[2029]["cap_remaining"] == Decimal("1790000")
    # training has no cap of its own, so only the yearly cap bounds what may come.
    assert years[2030]["max_still_possible"] == Decimal("2200000")


def test_a_payer_without_a_cap_budgets_the_sum_of_its_shares_of_every_terms_ceiling(
    approved_both,
):
    s = build_payer_statement(approved_both, organisation("region"))
    years = {y["year"]: y for y in s["years"]}
    # region's shares of one open period: jobs .25 x 6 000 000 cap, safety .25 x 2 000 000 top
    # tier, health 1 x 600 000 per period (training and attendance are not its to pay).
    assert years[2030]["max_still_possible"] == Decimal("2600000")
    assert years[2030]["yearly_cap"] is None


@pytest.mark.parametrize(
    ("who", "kind", "org", "status"),
    [
        ("malar",     "investors", "malar_fund",       200),
        ("sodertorn", "investors", "malar_fund",       404),
        ("auditor",   "investors", "malar_fund",       200),
        ("botkyrka",  "investors", "malar_fund",       403),
        ("botkyrka",  "payers",    "botkyrka",         200),
        ("nacka",     "payers",    "botkyrka",         404),
        ("manager",   "payers",    "botkyrka",         200),
        ("malar",     "payers",    "botkyrka",         403),
        ("stranger",  "payers",    "botkyrka",         404),
    ],
)  # fmt: skip
def test_a_statement_shows_only_what_the_organisation_may_see(
    client, people, approved_both, who, kind, org, status
):
    url = STATEMENTS.format(kind=kind, org=org, suffix="")
    assert client.get(url, headers=people[who]).status_code == status


def test_the_investor_workbook_has_a_summary_cash_flows_and_a_chart(client, people, approved_both):
    url = STATEMENTS.format(kind="investors", org="malar_fund", suffix=".xlsx")
    url += "&as_of=2029-04-01"
    response = client.get(url, headers=people["malar"])
    assert response.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    flows = book["Cash flows"]
    # cumulative capital in and money back, row by row: the drawdown, then two distributions.
    assert [(r[7], r[8]) for r in flows.iter_rows(min_row=2, values_only=True)] == [
        (10000000, 0), (10000000, 4725000), (10000000, 5300000)]  # fmt: skip
    assert len(book["Chart"]._charts) == 1


def test_the_payer_workbook_lists_each_year_against_the_cap(client, people, approved_both):
    url = STATEMENTS.format(kind="payers", org="botkyrka", suffix="")
    response = client.get(url, headers={**people["botkyrka"], "Accept": XLSX})
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Cash flows"]
    assert [row[0] for row in book["Summary"].iter_rows(min_row=2, values_only=True)] == [
        2028, 2029, 2030, 2031]  # fmt: skip


def test_a_text_cell_that_looks_like_a_formula_stays_text(client, people, approved_both):
    malar = organisation("malar_fund")
    malar.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    url = STATEMENTS.format(kind="investors", org="malar_fund", suffix=".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, headers=people["malar"]).data))
    cell = book["Summary"]["B3"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")
