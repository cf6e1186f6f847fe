"""Rate cards on aggregate values: price, floor, max_units, brackets and price steps."""

from __future__ import annotations

import pytest


def card(**fields) -> dict:
    return {"id": "rc", "metric": "CNT", "kind": "rate_card", **fields}


@pytest.mark.parametrize(
    ("fields", "value", "expected"),
    [
        ({"price": "1000"}, "12", "12000.00"),  # 12 * 1000
        ({"price": "1000", "floor": "2"}, "12", "10000.00"),  # (12 - 2) * 1000
        ({"price": "1000", "floor": "20"}, "12", "0.00"),  # max(0, 12 - 20) = 0 units
        ({"price": "1000", "max_units": "5"}, "12", "5000.00"),  # min(12, 5) * 1000
        ({"price": "1000", "floor": "2", "max_units": "5"}, "12", "5000.00"),  # min(10, 5)
        ({"price": "0.95"}, "1234.56", "1172.83"),  # 1172.832 rounds to .83
        ({"price": "0.95"}, "1234.57", "1172.84"),  # 1172.8415 rounds to .84
        ({"price": "1000"}, "-3", "0.00"),  # no negative units
        ({"price": "10", "measure": {"kind": "change", "baseline": "100"}}, "130", "300.00"),
    ],
)
def test_a_rate_card_pays_per_unit_above_its_floor(run, amounts, fields, value, expected):
    answer = run([card(**fields)], values={"2027": {"CNT": value}})
    assert amounts(answer, "rc") == [expected]


def test_a_rate_card_on_a_lower_is_better_change_pays_per_day_saved(run, amounts):
    # change = 40 - 30 = 10 days saved, 10 * 250 = 2500
    term = {
        "id": "rc",
        "metric": "WAIT",
        "kind": "rate_card",
        "price": "250",
        "measure": {"kind": "change", "baseline": "40"},
    }
    answer = run([term], values={"2027": {"WAIT": "30"}})
    assert amounts(answer, "rc") == ["2500.00"]


BRACKETS = [{"up_to": "10", "price": "100"}, {"up_to": "30", "price": "50"}, {"price": "20"}]
VALUES = {"2027": {"CNT": "8"}, "2028": {"CNT": "15"}, "2029": {"CNT": "20"}}  # to date 8, 23, 43


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # 8 * 100 = 800; 8 -> 23: 2 * 100 + 13 * 50 = 850; 23 -> 43: 7 * 50 + 13 * 20 = 610
        ({}, ["800.00", "850.00", "610.00"]),
        # floor 5 on the cumulative count: units 3, 18, 38
        # 3 * 100 = 300; 3 -> 18: 7 * 100 + 8 * 50 = 1100; 18 -> 38: 12 * 50 + 8 * 20 = 760
        ({"floor": "5"}, ["300.00", "1100.00", "760.00"]),
        # max_units 30 on the cumulative count: units 8, 23, 30; 23 -> 30: 7 * 50 = 350
        ({"max_units": "30"}, ["800.00", "850.00", "350.00"]),
        # applying only in 2029, the units to date still count: 23 -> 43 pays 610
        ({"periods": ["2029"]}, ["-", "-", "610.00"]),
    ],
)
def test_brackets_price_the_units_a_period_adds_to_the_cumulative_count(
    run, amounts, fields, expected
):
    answer = run([card(brackets=BRACKETS, **fields)], values=VALUES)
    assert amounts(answer, "rc") == expected


def test_bracket_units_count_in_a_period_whose_gate_failed(run, amounts):
    # The gate on SAFE fails in 2028 (missing); 2029 still pays only for 23 -> 43: 610.
    values = {
        "2027": {**VALUES["2027"], "SAFE": "1"},
        "2028": VALUES["2028"],
        "2029": {**VALUES["2029"], "SAFE": "1"},
    }
    answer = run([card(brackets=BRACKETS, gate={"at": "1", "metric": "SAFE"})], values=values)
    assert amounts(answer, "rc") == ["800.00", "0.00", "610.00"]


STEPS = [{"until": "1000", "price": "100"}, {"price": "40"}]


def test_price_steps_split_the_period_that_crosses_the_amount(run, amounts, entry):
    # 2027: 6 * 100 = 600 (600 earned).
    # 2028: 400 more reaches 1000 after 4 units; the other 4 at 40: 400 + 160 = 560.
    # 2029: already past 1000: 5 * 40 = 200.
    values = {"2027": {"CNT": "6"}, "2028": {"CNT": "8"}, "2029": {"CNT": "5"}}
    answer = run([card(price_steps=STEPS)], values=values)
    assert amounts(answer, "rc") == ["600.00", "560.00", "200.00"]


def test_price_steps_count_the_terms_amount_after_caps(run, amounts):
    # 2027: 6 * 100 = 600, cut to 500 by cap_per_period, so 500 is earned (not 600).
    # 2028: 500 to go: 5 units at 100 + 1 at 40 = 540, cut to 500 (counting the uncut 600
    # would give 4 * 100 + 2 * 40 = 480). 2029: 1000 reached: 5 * 40 = 200.
    values = {"2027": {"CNT": "6"}, "2028": {"CNT": "6"}, "2029": {"CNT": "5"}}
    answer = run([card(price_steps=STEPS, cap_per_period="500")], values=values)
    assert amounts(answer, "rc") == ["500.00", "500.00", "200.00"]


REPAID = [{"until": "investors_repaid", "price": "100"}, {"price": "10"}]


def money_flow(**fields) -> dict:
    return {
        "parties": [
            {"organisation": "city", "role": "outcome_payer"},
            {"organisation": "doers", "role": "provider"},
            {"organisation": "fund", "role": "investor", "commitment": "5000", "tranche": "senior"},
        ],
        "tranches": [{"name": "senior", "return_cap": {"kind": "none"}}],
        "surplus": "provider",
        **fields,
    }


DRAWN = [{"investor": "fund", "on": "2027-01-01", "amount": "1000"}]


@pytest.mark.parametrize(
    ("drawdowns", "expected"),
    [
        # 1000 still owed to the fund: 10 units at 100, then 5 at 10 = 1050; in 2028 the fund
        # is repaid from the start: 3 * 10 = 30.
        (DRAWN, ["1050.00", "30.00"]),
        # nothing drawn: repaid from the start, 15 * 10 = 150 and 3 * 10 = 30
        ([], ["150.00", "30.00"]),
    ],
)
def test_price_steps_until_investors_repaid(run, amounts, drawdowns, expected):
    values = {"2027": {"CNT": "15"}, "2028": {"CNT": "3"}}
    answer = run([card(price_steps=REPAID)], values=values, drawdowns=drawdowns, **money_flow())
    assert amounts(answer, "rc") == expected


def test_investors_repaid_counts_earlier_terms_of_the_same_period(run, amounts):
    # The tier pays 400 first, so 600 is left to repay: 6 units at 100 + 9 at 10 = 690.
    tier = {"id": "tier", "metric": "SAFE", "kind": "tiered", "tiers": [{"at": "1", "pay": "400"}]}
    answer = run(
        [tier, card(price_steps=REPAID)],
        values={"2027": {"CNT": "15", "SAFE": "1"}},
        drawdowns=DRAWN,
        **money_flow(),
    )
    assert amounts(answer, "rc") == ["690.00"]
    # The fund takes its 1000 of principal; the other 90 goes to the provider.
    assert answer["periods"][0]["investors"]["fund"] == {"principal": "1000.00", "return": "0.00"}
    assert answer["periods"][0]["provider"] == "90.00"


def test_a_contract_without_investors_is_repaid_from_the_start(run, amounts):
    answer = run([card(price_steps=REPAID)], values={"2027": {"CNT": "15"}})
    assert amounts(answer, "rc") == ["150.00"]  # 15 * 10
