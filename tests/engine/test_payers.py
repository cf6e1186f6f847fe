"""Steps 6 and 7: payer shares and yearly caps, with carry-forward and netting."""

from __future__ import annotations

import pytest

TWO_PAYERS = [
    {"organisation": "city", "role": "outcome_payer"},
    {"organisation": "region", "role": "outcome_payer"},
    {"organisation": "doers", "role": "provider"},
]


def card(**fields) -> dict:
    return {"id": "t", "metric": "CNT", "kind": "rate_card", "price": "1", **fields}


@pytest.mark.parametrize(
    ("term_fields", "expected"),
    [
        # contract shares 0.3 / 0.7 of 10.00
        ({}, {"city": "3.00", "region": "7.00"}),
        # the term's own shares
        ({"payer_shares": {"region": "1"}}, {"city": "0.00", "region": "10.00"}),
        # shares by period win over the term's
        (
            {"payer_shares": {"region": "1"}, "payer_shares_by_period": {"2027": {"city": "1"}}},
            {"city": "10.00", "region": "0.00"},
        ),
    ],
)
def test_each_term_is_split_by_the_most_specific_shares(run, term_fields, expected):
    answer = run(
        [card(**term_fields)],
        values={"2027": {"CNT": "10"}},
        parties=TWO_PAYERS,
        payer_shares={"city": "0.3", "region": "0.7"},
    )
    assert answer["periods"][0]["payers"] == expected
    assert answer["periods"][0]["amount"] == "10.00"


@pytest.mark.parametrize(
    ("parties", "expected"),
    [
        # 0.01 split half and half is a tie: the cent goes to the payer listed first in
        # `parties` (TERMS.md step 6), whatever the order or the names of the shares' keys.
        (TWO_PAYERS, {"city": "0.01", "region": "0.00"}),
        (list(reversed(TWO_PAYERS)), {"city": "0.00", "region": "0.01"}),
    ],
)
def test_a_tie_goes_to_the_payer_listed_first_in_parties(run, parties, expected):
    answer = run(
        [card()],
        values={"2027": {"CNT": "0.01"}},
        parties=parties,
        payer_shares={"city": "0.5", "region": "0.5"},
    )
    assert answer["periods"][0]["payers"] == expected


def test_the_key_order_of_the_shares_does_not_break_a_tie(run):
    # "region" is written first in the shares and sorts last; neither decides: parties does.
    answer = run(
        [card()],
        values={"2027": {"CNT": "0.03"}},
        parties=list(reversed(TWO_PAYERS)),
        payer_shares={"region": "0.5", "city": "0.5"},
    )
    assert answer["periods"][0]["payers"] == {"city": "0.01", "region": "0.02"}


def capped(cap: str = "1000") -> list[dict]:
    return [
        {"organisation": "city", "role": "outcome_payer", "yearly_cap": cap},
        {"organisation": "doers", "role": "provider"},
    ]


def yearly(*values: str) -> dict:
    return {str(2027 + i): {"CNT": v} for i, v in enumerate(values)}


@pytest.mark.parametrize(
    ("values", "payers", "held"),
    [
        # 1500: 1000 paid, 500 held. 2028: 500 carried + 500 = 1000. 2029: 0.
        (("1500", "500", "0"), ["1000.00", "1000.00", "0.00"], [{"city": "500.00"}, {}, {}]),
        # 2028: 500 carried + 800 = 1300: 1000 paid, 300 held; 2029: 300 carried
        (
            ("1500", "800", "0"),
            ["1000.00", "1000.00", "300.00"],
            [{"city": "500.00"}, {"city": "300.00"}, {}],
        ),
    ],
)
def test_a_yearly_cap_holds_back_the_excess_and_carries_it_to_a_later_year(
    run, values, payers, held
):
    answer = run([card()], values=yearly(*values), parties=capped())
    assert [p["payers"]["city"] for p in answer["periods"]] == payers
    assert [p["held_back"] for p in answer["periods"]] == held
    assert (
        "city's yearly_cap 1000 bound (500 held back)"
        in answer["periods"][0]["terms"][0]["explanation"]
    )


HALVES = [
    {"label": "27a", "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
    {"label": "27b", "starts_on": "2027-07-01", "ends_on": "2027-12-31"},
    {"label": "28a", "starts_on": "2028-01-01", "ends_on": "2028-06-30"},
]


def test_held_back_amounts_wait_for_a_period_paid_in_a_later_year(run):
    # 27a: 1500 -> 1000 paid, 500 held. 27b: same year, nothing carried; 400 but no room
    # left in 2027: held. 28a: 900 carried + 200 = 1100 -> 1000 paid, 100 held.
    values = {"27a": {"CNT": "1500"}, "27b": {"CNT": "400"}, "28a": {"CNT": "200"}}
    answer = run([card()], values=values, parties=capped(), periods=HALVES)
    assert [p["payers"]["city"] for p in answer["periods"]] == ["1000.00", "0.00", "1000.00"]
    assert [p["held_back"] for p in answer["periods"]] == [
        {"city": "500.00"},
        {"city": "400.00"},
        {"city": "100.00"},
    ]


def test_a_negative_total_becomes_a_balance_netted_against_later_periods(run, amounts):
    # Cumulative at 10 a unit, to date 30, 15, 25: amounts 300, -150, 100.
    # city: 300; then -150 -> owes 0, balance -150; then 100 - 150 = -50 -> owes 0.
    term = card(price="10", basis="cumulative")
    answer = run([term], values=yearly("30", "-15", "10"))
    assert amounts(answer, "t") == ["300.00", "-150.00", "100.00"]
    assert [p["payers"]["city"] for p in answer["periods"]] == ["300.00", "0.00", "0.00"]
    assert [p["amount"] for p in answer["periods"]] == ["300.00", "0.00", "0.00"]


def test_a_negative_balance_is_netted_before_the_yearly_cap(run):
    # amounts 300, -150, 400 (to date 30, 15, 55); cap 200 a year.
    # 2027: 300 -> 200 paid, 100 held. 2028: 100 carried - 150 = -50 -> balance -50.
    # 2029: 400 - 50 = 350 -> 200 paid, 150 held.
    term = card(price="10", basis="cumulative")
    answer = run([term], values=yearly("30", "-15", "40"), parties=capped("200"))
    assert [p["payers"]["city"] for p in answer["periods"]] == ["200.00", "0.00", "200.00"]
    assert [p["held_back"] for p in answer["periods"]] == [
        {"city": "100.00"},
        {},
        {"city": "150.00"},
    ]


def test_amounts_held_back_reduce_investor_capacity_until_paid(run, amounts):
    # Fund: 1000 principal drawn, no return. City pays at most 600 a year.
    # 2027: 800 earned (capacity 1000): city pays 600, holds 200; fund gets 600.
    # 2028: capacity 400 outstanding - 200 held = 200: 500 is cut to 200; city pays
    # 200 carried + 200 = 400; fund gets its last 400.
    parties = [
        *capped("600"),
        {"organisation": "fund", "role": "investor", "commitment": "1000", "tranche": "senior"},
    ]
    answer = run(
        [card()],
        values=yearly("800", "500"),
        parties=parties,
        tranches=[{"name": "senior", "return_cap": {"kind": "none"}}],
        drawdowns=[{"investor": "fund", "on": "2027-01-01", "amount": "1000"}],
    )
    assert amounts(answer, "t") == ["800.00", "200.00"]
    assert [p["payers"]["city"] for p in answer["periods"]] == ["600.00", "400.00"]
    assert [p["investors"]["fund"]["principal"] for p in answer["periods"]] == ["600.00", "400.00"]


def test_the_yearly_cap_uses_the_calendar_year_of_the_payment_date(run):
    # 2027 is paid on its deadline 2028-03-31, in the same year as 2028 (paid 2028-12-31):
    # both share the 2028 cap of 1000: 700, then 300 of 500 with 200 held.
    periods = [
        {
            "label": "2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "deadline": "2028-03-31",
        },
        {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"},
    ]
    answer = run([card()], values=yearly("700", "500"), parties=capped(), periods=periods)
    assert [p["payers"]["city"] for p in answer["periods"]] == ["700.00", "300.00"]
    assert answer["periods"][1]["held_back"] == {"city": "200.00"}
