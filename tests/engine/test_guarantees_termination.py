"""Guarantees at the end (or at termination), and periods after termination paying nothing."""

from __future__ import annotations

import pytest


def card() -> dict:
    return {"id": "t", "metric": "CNT", "kind": "rate_card", "price": "1"}


def setup(guarantees: list[dict], investors=("fund",), **fields) -> dict:
    parties = [
        {"organisation": "city", "role": "outcome_payer"},
        {"organisation": "region", "role": "guarantor"},
        {"organisation": "doers", "role": "provider"},
    ]
    parties += [
        {"organisation": o, "role": "investor", "commitment": "5000", "tranche": "senior"}
        for o in investors
    ]
    return {
        "parties": parties,
        "tranches": [{"name": "senior", "return_cap": {"kind": "none"}}],
        "guarantees": guarantees,
        **fields,
    }


def draw(org: str, amount: str = "1000", on: str = "2027-01-01") -> dict:
    return {"investor": org, "on": on, "amount": amount}


THROUGH_2029 = {"2027": {"CNT": "300"}, "2028": {"CNT": "0"}, "2029": {"CNT": "0"}}


def test_a_guarantee_pays_the_shortfall_against_the_principal_received(run):
    # 80 % of 1000 drawn = 800 promised; 300 received: region pays 500 on 2029-12-31
    answer = run(
        [card()],
        values=THROUGH_2029,
        drawdowns=[draw("fund")],
        **setup([{"by": "region", "share_of_principal": "0.8"}]),
    )
    assert answer["guarantees"] == [{"by": "region", "investor": "fund", "amount": "500.00"}]


def test_guarantees_settle_only_in_an_answer_including_the_last_period(run):
    answer = run(
        [card()],
        values=THROUGH_2029,
        drawdowns=[draw("fund")],
        through="2028",
        **setup([{"by": "region", "share_of_principal": "0.8"}]),
    )
    assert answer["guarantees"] == []


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        # shortfalls 1000 and 1000 exceed 1000: 500 each
        ("1000", ["500.00", "500.00"]),
        # 999.99 in halves: 499.995 each -> 499.99 each, the last cent to fund (first listed)
        ("999.99", ["500.00", "499.99"]),
        ("5000", ["1000.00", "1000.00"]),  # not binding
    ],
)
def test_a_capped_guarantee_shares_the_cap_pro_rata_to_the_shortfalls(run, cap, expected):
    values = {y: {"CNT": "0"} for y in ("2027", "2028", "2029")}
    answer = run(
        [card()],
        values=values,
        drawdowns=[draw("fund"), draw("bank")],
        **setup([{"by": "region", "share_of_principal": "1", "cap": cap}], ("fund", "bank")),
    )
    assert [g["amount"] for g in answer["guarantees"]] == expected
    assert [g["investor"] for g in answer["guarantees"]] == ["fund", "bank"]


def test_guarantees_apply_in_list_order_counting_earlier_ones_as_received(run):
    # region guarantees 50 % (500 of 1000, nothing received); city then 80 %: 800 - 500 = 300
    guarantees = [
        {"by": "region", "share_of_principal": "0.5"},
        {"by": "city", "share_of_principal": "0.8"},
    ]
    values = {y: {"CNT": "0"} for y in ("2027", "2028", "2029")}
    answer = run([card()], values=values, drawdowns=[draw("fund")], **setup(guarantees))
    assert answer["guarantees"] == [
        {"by": "region", "investor": "fund", "amount": "500.00"},
        {"by": "city", "investor": "fund", "amount": "300.00"},
    ]
    # Guarantee payments are not outcome payments: city owes nothing for the periods.
    assert answer["totals"]["payers"]["city"] == "0.00"


def test_a_guarantee_for_a_tranche_covers_only_its_investors(run):
    terms = setup([{"by": "region", "share_of_principal": "1", "tranche": "junior"}], ("fund",))
    terms["parties"].append(
        {"organisation": "bank", "role": "investor", "commitment": "5000", "tranche": "junior"}
    )
    terms["tranches"].append({"name": "junior", "return_cap": {"kind": "none"}})
    values = {y: {"CNT": "0"} for y in ("2027", "2028", "2029")}
    answer = run([card()], values=values, drawdowns=[draw("fund"), draw("bank", "400")], **terms)
    assert answer["guarantees"] == [{"by": "region", "investor": "bank", "amount": "400.00"}]


def test_periods_paid_after_termination_pay_nothing_and_say_why(run, entry):
    answer = run(
        [card()], values={"2027": {"CNT": "10"}, "2028": {"CNT": "20"}}, terminated_on="2028-06-30"
    )
    assert [p["amount"] for p in answer["periods"]] == ["10.00", "0.00"]
    found = entry(answer, "2028", "t")
    assert (found["amount"], found["measure"]) == ("0.00", "20")
    assert found["explanation"] == (
        "not paid: the contract was terminated on 2028-06-30, before this period's payment "
        "date 2028-12-31"
    )


def test_termination_settles_guarantees_at_the_last_period_paid_before_it(run):
    # Terminated 2028-06-30: 2027 (paid 2027-12-31) is the last period paid; an answer through
    # 2027 settles the guarantee: 1000 - 300 received.
    answer = run(
        [card()],
        values={"2027": {"CNT": "300"}},
        drawdowns=[draw("fund")],
        terminated_on="2028-06-30",
        **setup([{"by": "region", "share_of_principal": "1"}]),
    )
    assert answer["guarantees"] == [{"by": "region", "investor": "fund", "amount": "700.00"}]


def test_termination_before_any_payment_date_settles_guarantees_on_that_day(run):
    # Terminated 2027-06-30, before 2027's payment date: nothing is paid; the guarantee
    # pays the 1000 on 2027-06-30, so the fund's flows are -1000 and +1000: IRR 0.
    answer = run(
        [card()],
        values={"2027": {"CNT": "300"}},
        drawdowns=[draw("fund")],
        terminated_on="2027-06-30",
        **setup([{"by": "region", "share_of_principal": "1"}]),
    )
    assert answer["periods"][0]["amount"] == "0.00"
    assert answer["guarantees"] == [{"by": "region", "investor": "fund", "amount": "1000.00"}]
    assert answer["totals"]["investors"]["fund"]["irr"] == "0.0000"


def test_termination_drops_what_yearly_caps_still_hold_back(run):
    # 2027: 1500 against a yearly cap of 1000: 500 held. Terminated 2028-06-30: 2028 pays
    # nothing, and the 500 is not carried into it.
    parties = [{"organisation": "city", "role": "outcome_payer", "yearly_cap": "1000"}]
    answer = run(
        [card()],
        values={"2027": {"CNT": "1500"}, "2028": {"CNT": "0"}},
        parties=parties,
        terminated_on="2028-06-30",
    )
    assert [p["payers"]["city"] for p in answer["periods"]] == ["1000.00", "0.00"]
    assert answer["totals"]["payers"]["city"] == "1000.00"
