"""Steps 1, 4 and 5: cap per period, the contract's outcome total, and investor capacity."""

from __future__ import annotations

import pytest


def card(term_id: str, price: str, **fields) -> dict:
    return {"id": term_id, "metric": "CNT", "kind": "rate_card", "price": price, **fields}


def test_cap_per_period_holds_a_terms_amount_and_is_named(run, entry):
    found = entry(
        run([card("t", "100", cap_per_period="500")], values={"2027": {"CNT": "8"}}), "2027", "t"
    )
    assert found["amount"] == "500.00"  # 8 * 100 = 800, at most 500
    assert (
        found["explanation"]
        == "value 8 gives 8 units (pays 800); cap_per_period 500 bound (cut from 800)"
    )


@pytest.mark.parametrize(
    ("total", "prices", "expected"),
    [
        # 600 + 300 = 900 against 600: cut 300 pro rata 2:1 -> 200 and 100
        ("600", ("60", "30"), ["400.00", "200.00"]),
        # 1.00 + 1.00 against 1.01: cut 0.99, 0.495 each -> 0.49 each and the last cent to
        # the earlier term: 1.00 - 0.50 and 1.00 - 0.49
        ("1.01", ("0.1", "0.1"), ["0.50", "0.51"]),
        # not binding
        ("900", ("60", "30"), ["600.00", "300.00"]),
    ],
)
def test_the_outcome_total_cut_is_shared_pro_rata_ties_to_the_earlier_term(
    run, entry, total, prices, expected
):
    terms = [card("a", prices[0]), card("b", prices[1])]
    answer = run(terms, values={"2027": {"CNT": "10"}}, caps={"outcome_total": total})
    assert [entry(answer, "2027", t)["amount"] for t in ("a", "b")] == expected


def test_the_outcome_total_counts_earlier_periods(run, amounts, entry):
    # 500 a period against 800 in all: 500, then 300, then 0
    answer = run(
        [card("t", "50")],
        values={y: {"CNT": "10"} for y in ("2027", "2028", "2029")},
        caps={"outcome_total": "800"},
    )
    assert amounts(answer, "t") == ["500.00", "300.00", "0.00"]
    assert "caps.outcome_total 800 bound (cut 200" in entry(answer, "2028", "t")["explanation"]


def test_the_outcome_total_shares_a_cut_only_among_positive_amounts(run, entry):
    # 2027: a 10 * 30 = 300 and b 20 * 10 = 200, 500 of the 550. 2028: a 300 and b,
    # cumulative, corrected to 10 * 10 - 200 = -100; 200 against the 50 left: cut 150, all
    # from a, the only positive amount: a 150, b -100.
    a = card("a", "30", metric="SAFE")
    b = card("b", "10", basis="cumulative")
    values = {"2027": {"SAFE": "10", "CNT": "20"}, "2028": {"SAFE": "10", "CNT": "-10"}}
    answer = run([a, b], values=values, caps={"outcome_total": "550"})
    assert [entry(answer, "2028", t)["amount"] for t in ("a", "b")] == ["150.00", "-100.00"]


def investors(cap: dict, **fields) -> dict:
    return {
        "parties": [
            {"organisation": "city", "role": "outcome_payer"},
            {"organisation": "doers", "role": "provider"},
            {"organisation": "fund", "role": "investor", "commitment": "5000", "tranche": "senior"},
        ],
        "tranches": [{"name": "senior", "return_cap": cap}],
        **fields,
    }


NONE = {"kind": "none"}
DRAWN = [{"investor": "fund", "on": "2027-01-01", "amount": "1000"}]


@pytest.mark.parametrize(
    ("cap", "drawdowns", "expected"),
    [
        (NONE, DRAWN, "1000.00"),  # principal only: 1000 owed
        (NONE, [], "0.00"),  # nothing drawn: money earned is not owed
        # 1000 * 0.10 * 364 / 365 = 99.726.. -> 99.73 of interest to 2027-12-31
        ({"kind": "annual_rate", "rate": "0.10"}, DRAWN, "1099.73"),
        ({"kind": "total", "rate": "0.25"}, DRAWN, "1250.00"),  # 1000 + 0.25 * 1000
        ({"kind": "uncapped"}, DRAWN, "1500.00"),  # no limit
    ],
)
def test_with_retained_surplus_a_period_is_cut_to_what_investors_can_receive(
    run, entry, cap, drawdowns, expected
):
    answer = run(
        [card("t", "100")], values={"2027": {"CNT": "15"}}, drawdowns=drawdowns, **investors(cap)
    )
    found = entry(answer, "2027", "t")
    assert found["amount"] == expected
    assert ("investor capacity bound" in found["explanation"]) == (expected != "1500.00")


@pytest.mark.parametrize("surplus", ["provider", "investors"])
def test_with_provider_or_investors_surplus_nothing_is_cut(run, entry, surplus):
    answer = run(
        [card("t", "100")],
        values={"2027": {"CNT": "15"}},
        drawdowns=DRAWN,
        **investors(NONE, surplus=surplus),
    )
    assert entry(answer, "2027", "t")["amount"] == "1500.00"


def test_capacity_is_shared_pro_rata_among_the_periods_terms(run, entry):
    # 900 + 600 = 1500 against 1000: cut 500 pro rata 3:2 -> 300 and 200
    answer = run(
        [card("a", "60"), card("b", "40")],
        values={"2027": {"CNT": "15"}},
        drawdowns=DRAWN,
        **investors(NONE),
    )
    assert [entry(answer, "2027", t)["amount"] for t in ("a", "b")] == ["600.00", "400.00"]
