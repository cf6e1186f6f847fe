"""Interest and the tranche waterfall: principal then return, pro rata within a tranche."""

from __future__ import annotations

import pytest


def card(price: str = "1") -> dict:
    return {"id": "t", "metric": "CNT", "kind": "rate_card", "price": price}


def party(org: str, tranche: str = "senior", commitment: str = "10000") -> dict:
    return {"organisation": org, "role": "investor", "commitment": commitment, "tranche": tranche}


def contract(investors: list[dict], tranches: list[dict], surplus: str = "provider") -> dict:
    parties = [
        {"organisation": "city", "role": "outcome_payer"},
        {"organisation": "doers", "role": "provider"},
        *investors,
    ]
    return {"parties": parties, "tranches": tranches, "surplus": surplus}


def tranche(name: str = "senior", kind: str = "none", rate: str | None = None) -> dict:
    cap = {"kind": kind} if rate is None else {"kind": kind, "rate": rate}
    return {"name": name, "return_cap": cap}


def draw(org: str, on: str, amount: str) -> dict:
    return {"investor": org, "on": on, "amount": amount}


def paid(answer: dict, label: str) -> dict:
    period = next(p for p in answer["periods"] if p["period"] == label)
    out = {org: (v["principal"], v["return"]) for org, v in period["investors"].items()}
    out["provider"] = period.get("provider", "0")
    return out


RATE = [tranche(kind="annual_rate", rate="0.10")]


def test_annual_rate_interest_is_simple_actual_days_over_365(run):
    # Drawn 1000 on 2027-01-01; paid 1200 on 2027-12-31 (364 days):
    # interest 1000 * 0.10 * 364 / 365 = 99.726.. -> 99.73; principal 1000; provider 100.27.
    # 2028: nothing outstanding, no more interest: 50 all to the provider.
    answer = run(
        [card()],
        values={"2027": {"CNT": "1200"}, "2028": {"CNT": "50"}},
        drawdowns=[draw("fund", "2027-01-01", "1000")],
        **contract([party("fund")], RATE),
    )
    assert paid(answer, "2027") == {"fund": ("1000.00", "99.73"), "provider": "100.27"}
    assert paid(answer, "2028") == {"fund": ("0.00", "0.00"), "provider": "50.00"}


def test_interest_accrues_on_outstanding_principal_only(run):
    # 2027 repays 500 of 1000. To 2028-12-31: 1000 * 0.1 * 364/365 + 500 * 0.1 * 366/365
    # = 99.7260.. + 50.1369.. = 149.8630.. -> 149.86 (leap year still over 365).
    answer = run(
        [card()],
        values={"2027": {"CNT": "500"}, "2028": {"CNT": "1000"}},
        drawdowns=[draw("fund", "2027-01-01", "1000")],
        **contract([party("fund")], RATE),
    )
    assert paid(answer, "2027") == {"fund": ("500.00", "0.00"), "provider": "0"}
    assert paid(answer, "2028") == {"fund": ("500.00", "149.86"), "provider": "350.14"}


def test_a_drawdown_on_the_payment_date_counts_before_the_distribution(run):
    answer = run(
        [card()],
        values={"2027": {"CNT": "1000"}},
        drawdowns=[draw("fund", "2027-12-31", "1000")],
        **contract([party("fund")], RATE),
    )
    assert paid(answer, "2027") == {"fund": ("1000.00", "0.00"), "provider": "0"}


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        # senior principal 1000, junior principal 1000, junior return at most 0.5 * 1000
        (
            "2600",
            {"fund": ("1000.00", "0.00"), "bank": ("1000.00", "500.00"), "provider": "100.00"},
        ),
        ("2200", {"fund": ("1000.00", "0.00"), "bank": ("1000.00", "200.00"), "provider": "0"}),
        ("1500", {"fund": ("1000.00", "0.00"), "bank": ("500.00", "0.00"), "provider": "0"}),
    ],
)
def test_tranches_are_paid_in_order_principal_then_return(run, money, expected):
    terms = contract(
        [party("fund"), party("bank", "junior")], [tranche(), tranche("junior", "total", "0.5")]
    )
    drawdowns = [draw("fund", "2027-01-01", "1000"), draw("bank", "2027-01-01", "1000")]
    answer = run([card()], values={"2027": {"CNT": money}}, drawdowns=drawdowns, **terms)
    assert paid(answer, "2027") == expected


def test_within_a_tranche_money_is_pro_rata_to_drawn_principal_and_re_spread(run):
    # 2027: only fund has drawn (1000): it takes 600. 2028: bank has drawn 3000 too.
    # 2000 pro rata 1000:3000 would give fund 500, but it is owed only 400: bank takes 1600.
    drawdowns = [draw("fund", "2027-01-01", "1000"), draw("bank", "2028-01-01", "3000")]
    answer = run(
        [card()],
        values={"2027": {"CNT": "600"}, "2028": {"CNT": "2000"}},
        drawdowns=drawdowns,
        **contract([party("fund"), party("bank")], [tranche()]),
    )
    assert paid(answer, "2027") == {
        "fund": ("600.00", "0.00"),
        "bank": ("0.00", "0.00"),
        "provider": "0",
    }
    assert paid(answer, "2028") == {
        "fund": ("400.00", "0.00"),
        "bank": ("1600.00", "0.00"),
        "provider": "0",
    }


@pytest.mark.parametrize(
    ("order", "expected"),
    # 0.01 between two equal investors: the cent goes to the one listed first in parties
    [(("fund", "bank"), ("0.01", "0.00")), (("bank", "fund"), ("0.00", "0.01"))],
)
def test_a_tie_goes_to_the_investor_listed_first_in_parties(run, order, expected):
    drawdowns = [draw("fund", "2027-01-01", "100"), draw("bank", "2027-01-01", "100")]
    answer = run(
        [card()],
        values={"2027": {"CNT": "0.01"}},
        drawdowns=drawdowns,
        **contract([party(o) for o in order], [tranche()]),
    )
    got = paid(answer, "2027")
    assert (got["fund"][0], got["bank"][0]) == expected


def test_surplus_to_investors_is_shared_pro_rata_to_drawn_principal_as_return(run):
    # principal 1000 + 3000, then 400 left: 100 and 300 as return
    drawdowns = [draw("fund", "2027-01-01", "1000"), draw("bank", "2027-01-01", "3000")]
    answer = run(
        [card()],
        values={"2027": {"CNT": "4400"}},
        drawdowns=drawdowns,
        **contract([party("fund"), party("bank")], [tranche()], "investors"),
    )
    assert paid(answer, "2027") == {
        "fund": ("1000.00", "100.00"),
        "bank": ("3000.00", "300.00"),
        "provider": "0",
    }


def test_an_uncapped_last_tranche_takes_everything_left(run, amounts):
    drawdowns = [draw("fund", "2027-01-01", "1000"), draw("bank", "2027-01-01", "1000")]
    terms = contract(
        [party("fund"), party("bank", "junior")],
        [tranche(), tranche("junior", "uncapped")],
        "retained",
    )
    answer = run([card()], values={"2027": {"CNT": "3000"}}, drawdowns=drawdowns, **terms)
    assert amounts(answer, "t") == ["3000.00"]  # no cut: the capacity is unlimited
    assert paid(answer, "2027") == {
        "fund": ("1000.00", "0.00"),
        "bank": ("1000.00", "1000.00"),
        "provider": "0",
    }


def test_an_investor_with_nothing_drawn_receives_nothing(run):
    drawdowns = [draw("fund", "2027-01-01", "100")]
    answer = run(
        [card()],
        values={"2027": {"CNT": "300"}},
        drawdowns=drawdowns,
        **contract([party("fund"), party("bank")], [tranche()]),
    )
    assert paid(answer, "2027") == {
        "fund": ("100.00", "0.00"),
        "bank": ("0.00", "0.00"),
        "provider": "200.00",
    }


def test_a_contract_without_investors_pays_the_provider(run):
    answer = run([card()], values={"2027": {"CNT": "300"}})
    assert answer["periods"][0]["investors"] == {}
    assert answer["periods"][0]["provider"] == "300.00"
    assert answer["totals"]["provider"] == "300.00"
