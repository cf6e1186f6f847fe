"""Each investor's XIRR: actual/365, the root closest to 0, four decimals, or null."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contracts.engine.irr import irr_of

D0, D1, D2 = dt.date(2027, 1, 1), dt.date(2028, 1, 1), dt.date(2028, 12, 31)  # 365 days apart


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([(D0, "-100"), (D1, "110")], "0.1000"),  # 110 / 100 - 1 over exactly a year
        ([(D0, "-100"), (D1, "50")], "-0.5000"),
        ([(D0, "-100"), (D1, "100")], "0.0000"),
        # -100 + 230/(1+r) - 132/(1+r)^2 has roots 0.1 and 0.2: the one closest to 0
        ([(D0, "-100"), (D1, "230"), (D2, "-132")], "0.1000"),
        # -50 + 105/(1+r) - 54/(1+r)^2 has roots -0.1 and 0.2: -0.1 is closer to 0
        ([(D0, "-50"), (D1, "105"), (D2, "-54")], "-0.1000"),
        # flows on the same day are netted first
        ([(D0, "-60"), (D0, "-40"), (D1, "110")], "0.1000"),
    ],
)
def test_the_irr_is_the_root_closest_to_zero(flows, expected):
    assert irr_of([(on, Decimal(a)) for on, a in flows]) == Decimal(expected)


@pytest.mark.parametrize(
    "flows",
    [[], [(D0, "-100")], [(D0, "-100"), (D1, "-5")], [(D0, "100"), (D1, "5")]],
)
def test_the_irr_is_undefined_without_money_both_ways(flows):
    assert irr_of([(on, Decimal(a)) for on, a in flows]) is None


def test_the_answer_gives_each_investor_its_irr_over_flows_to_the_last_payment_date(run):
    # Drawn 1000 on 2027-12-31 and 1000 on 2029-06-01 (after the answer's last payment date
    # 2028-12-30, so left out); 2028 pays 1100 on 2028-12-30, 365 days on: IRR 0.1.
    periods = [
        {"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-30"},
    ]
    parties = [
        {"organisation": "city", "role": "outcome_payer"},
        {"organisation": "fund", "role": "investor", "commitment": "5000", "tranche": "s"},
    ]
    answer = run(
        [{"id": "t", "metric": "CNT", "kind": "rate_card", "price": "1", "periods": ["2028"]}],
        values={"2027": {"CNT": "0"}, "2028": {"CNT": "1100"}},
        drawdowns=[
            {"investor": "fund", "on": "2027-12-31", "amount": "1000"},
            {"investor": "fund", "on": "2029-06-01", "amount": "1000"},
        ],
        periods=periods,
        parties=parties,
        surplus="investors",
        tranches=[{"name": "s", "return_cap": {"kind": "none"}}],
    )
    assert answer["totals"]["investors"]["fund"] == {
        "principal": "1000.00",
        "return": "100.00",
        "irr": "0.1000",
    }


def test_an_investor_that_drew_nothing_has_no_irr(run):
    parties = [
        {"organisation": "city", "role": "outcome_payer"},
        {"organisation": "fund", "role": "investor", "commitment": "5000", "tranche": "s"},
    ]
    answer = run(
        [],
        values={"2027": {"CNT": "1"}},
        parties=parties,
        tranches=[{"name": "s", "return_cap": {"kind": "none"}}],
    )
    assert answer["totals"]["investors"]["fund"]["irr"] is None
