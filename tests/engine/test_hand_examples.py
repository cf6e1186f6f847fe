"""End-to-end examples settled by hand from TERMS.md, the arithmetic written beside each figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.engine.answers import settled

KINDS = {
    "botkyrka": "municipality",
    "nacka": "municipality",
    "state": "state_agency",
    "provider": "provider",
    "senior_fund": "investor",
    "junior_fund": "investor",
    "fund_a": "investor",
    "fund_b": "investor",
}

PAYERS = [
    {"organisation": "botkyrka", "role": "outcome_payer"},
    {"organisation": "nacka", "role": "outcome_payer"},
]


def contract(**fields) -> dict:
    """A small valid contract: Botkyrka and Nacka paying half each, a provider, no investors.

    Yearly periods 2027 and 2028 paid on 31 December, one count metric `M` where higher is
    better. Keyword arguments replace whole top-level fields.
    """
    document = {
        "format": "sib-terms/1",
        "reference": "HAND-2027",
        "title": "Hand-computed example",
        "description": "Figures computed by hand in the test.",
        "currency": "SEK",
        "starts_on": "2027-01-01",
        "ends_on": "2030-12-31",
        "parties": [*PAYERS, {"organisation": "provider", "role": "provider"}],
        "tranches": [],
        "metrics": [{"code": "M", "name": "Outcomes", "unit": "count", "direction": "higher"}],
        "periods": [year(2027), year(2028)],
        "terms": [],
        "payer_shares": {"botkyrka": "0.5", "nacka": "0.5"},
        "caps": {},
        "guarantees": [],
    }
    document.update(fields)
    names = dict.fromkeys(party["organisation"] for party in document["parties"])
    document["organisations"] = [
        {"id": org, "name": org.replace("_", " ").title(), "kind": KINDS[org]} for org in names
    ]
    return document


def year(number: int, deadline: str | None = None) -> dict:
    period = {"label": str(number), "starts_on": f"{number}-01-01", "ends_on": f"{number}-12-31"}
    if deadline:
        period["deadline"] = deadline
    return period


def values(by_period: dict, **fields) -> dict:
    """The engine's input with aggregate values per period (and drawdowns, participants...)."""
    document = {"values": by_period, "participants": [], "drawdowns": []}
    document.update(fields)
    return document


def period_of(answer: dict, label: str) -> dict:
    (period,) = (p for p in answer["periods"] if p["period"] == label)
    return period


def term_of(period: dict, term_id: str) -> dict:
    (item,) = (t for t in period["terms"] if t["term"] == term_id)
    return item


def provider_of(period: dict) -> str:
    """What the period paid the provider (the answer leaves the key out when it is nothing)."""
    return period.get("provider", "0")


def nonzero(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if Decimal(value) != 0}


def test_a_fractional_rate_card_is_split_among_three_payers_by_largest_remainder():
    document = contract(
        parties=[
            *PAYERS,
            {"organisation": "state", "role": "outcome_payer"},
            {"organisation": "provider", "role": "provider"},
        ],
        periods=[year(2027)],
        terms=[{"id": "jobs", "metric": "M", "kind": "rate_card", "price": "333.33"}],
        payer_shares={"botkyrka": "0.45", "nacka": "0.25", "state": "0.30"},
    )
    answer = settled(document, values({"2027": {"M": "7"}}))
    period = period_of(answer, "2027")
    # 7 units x 333.33 = 2333.31
    assert term_of(period, "jobs")["amount"] == "2333.31"
    assert term_of(period, "jobs")["measure"] == "7"
    # exact shares 1049.9895, 583.3275, 699.993; floors 1049.98 + 583.32 + 699.99 = 2333.29;
    # the 2 öre left go to the largest remainders, botkyrka (0.95 öre) and nacka (0.75 öre).
    assert period["payers"] == {"botkyrka": "1049.99", "nacka": "583.33", "state": "699.99"}
    assert period["amount"] == "2333.31"
    # no investor parties: everything owed is paid to the provider
    assert provider_of(period) == "2333.31"


def test_a_yearly_payer_cap_holds_back_and_carries_into_the_next_year():
    document = contract(
        parties=[
            {"organisation": "botkyrka", "role": "outcome_payer", "yearly_cap": "120000"},
            {"organisation": "nacka", "role": "outcome_payer"},
            {"organisation": "provider", "role": "provider"},
        ],
        periods=[
            {"label": "2027-H1", "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
            {"label": "2027-H2", "starts_on": "2027-07-01", "ends_on": "2027-12-31"},
            {"label": "2028-H1", "starts_on": "2028-01-01", "ends_on": "2028-06-30"},
        ],
        terms=[
            {
                "id": "safety",
                "metric": "M",
                "kind": "tiered",
                "tiers": [{"at": "10", "pay": "100000"}, {"at": "20", "pay": "300000"}],
            }
        ],
    )
    answer = settled(
        document, values({"2027-H1": {"M": "25"}, "2027-H2": {"M": "12"}, "2028-H1": {"M": "12"}})
    )
    first, second, third = (period_of(answer, p) for p in ("2027-H1", "2027-H2", "2028-H1"))
    # 2027-H1: 25 reaches the tier at 20 -> 300000, half each = 150000; Botkyrka's 2027 cap
    # is 120000, so 30000 is held back.
    assert term_of(first, "safety")["amount"] == "300000.00"
    assert first["payers"] == {"botkyrka": "120000.00", "nacka": "150000.00"}
    assert nonzero(first["held_back"]) == {"botkyrka": "30000.00"}
    assert first["amount"] == "270000.00"
    # 2027-H2: 12 reaches the tier at 10 -> 100000, 50000 each; the 30000 is not added yet
    # (same year) and Botkyrka has already paid its 120000 for 2027: it pays 0, holds 50000.
    assert second["payers"] == {"botkyrka": "0.00", "nacka": "50000.00"}
    assert nonzero(second["held_back"]) == {"botkyrka": "50000.00"}
    assert second["amount"] == "50000.00"
    # 2028-H1: 100000 -> 50000 each; Botkyrka's first 2028 period adds the 30000 + 50000
    # carried: 130000 > 120000, so it pays 120000 (10000 is held back and, being after the last
    # period, never owed).
    assert third["payers"] == {"botkyrka": "120000.00", "nacka": "50000.00"}
    assert third["amount"] == "170000.00"
    # totals: 270000 + 50000 + 170000 = 490000; Botkyrka 120000 + 0 + 120000,
    # Nacka 150000 + 50000 + 50000
    assert answer["totals"]["amount"] == "490000.00"
    assert answer["totals"]["payers"] == {"botkyrka": "240000.00", "nacka": "250000.00"}


def waterfall_contract() -> dict:
    return contract(
        parties=[
            *PAYERS,
            {
                "organisation": "senior_fund",
                "role": "investor",
                "commitment": "1000000",
                "tranche": "senior",
            },
            {
                "organisation": "junior_fund",
                "role": "investor",
                "commitment": "500000",
                "tranche": "junior",
            },
            {"organisation": "provider", "role": "provider"},
        ],
        tranches=[
            {"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.10"}},
            {"name": "junior", "return_cap": {"kind": "total", "rate": "0.5"}},
        ],
        # payment dates 2028-01-01 (365 days after the drawdowns) and 2029-01-01 (366 more)
        periods=[year(2027, "2028-01-01"), year(2028, "2029-01-01")],
        terms=[{"id": "jobs", "metric": "M", "kind": "rate_card", "price": "100000"}],
    )


WATERFALL_DRAWDOWNS = [
    {"investor": "senior_fund", "on": "2027-01-01", "amount": "1000000"},
    {"investor": "junior_fund", "on": "2027-01-01", "amount": "500000"},
]


def test_the_waterfall_repays_the_senior_tranche_with_interest_before_the_junior():
    answer = settled(
        waterfall_contract(),
        values({"2027": {"M": "6"}, "2028": {"M": "13"}}, drawdowns=WATERFALL_DRAWDOWNS),
    )
    first, second = period_of(answer, "2027"), period_of(answer, "2028")
    # 2027: 6 x 100000 = 600000. Capacity on 2028-01-01: senior 1000000 principal +
    # 1000000 x 0.10 x 365/365 = 100000 interest; junior 500000 + 0.5 x 500000 = 250000;
    # 1850000 in all, so nothing is cut. Principal first: it all goes to senior principal.
    assert term_of(first, "jobs")["amount"] == "600000.00"
    assert first["investors"]["senior_fund"] == {"principal": "600000.00", "return": "0.00"}
    assert first["investors"]["junior_fund"] == {"principal": "0.00", "return": "0.00"}
    # 2028: 13 x 100000 = 1300000. Senior interest to 2029-01-01 on outstanding principal:
    # 1000000 for 365 days (2027-01-01 to 2028-01-01), then 400000 for 366 days (2028 is a
    # leap year, still over 365): 0.10 x (365000000 + 146400000) / 365 = 140109.589.. ->
    # 140109.59. Capacity: senior 400000 + 140109.59, junior 500000 + 250000 = 1290109.59,
    # so step 5 cuts 1300000 to 1290109.59.
    assert term_of(second, "jobs")["amount"] == "1290109.59"
    assert second["amount"] == "1290109.59"
    # halves of 1290109.59: 645054.795 each; the tie goes to botkyrka, listed first
    assert second["payers"] == {"botkyrka": "645054.80", "nacka": "645054.79"}
    assert second["investors"]["senior_fund"] == {"principal": "400000.00", "return": "140109.59"}
    assert second["investors"]["junior_fund"] == {"principal": "500000.00", "return": "250000.00"}
    assert Decimal(provider_of(second)) == 0
    totals = answer["totals"]
    assert totals["amount"] == "1890109.59"  # 600000 + 1290109.59
    senior, junior = totals["investors"]["senior_fund"], totals["investors"]["junior_fund"]
    assert (senior["principal"], senior["return"]) == ("1000000.00", "140109.59")
    assert (junior["principal"], junior["return"]) == ("500000.00", "250000.00")
    # senior: -1000000 + 600000/(1+r)^(365/365) + 540109.59/(1+r)^(731/365) = 0;
    # f(0.09365) = +80.9 > 0 > f(0.09375) = -51.9, so r rounds to 0.0937
    assert Decimal(senior["irr"]) == Decimal("0.0937")
    # junior: 500000 x (1+r)^(731/365) = 750000: r = 1.5^(365/731) - 1 = 0.22440..
    assert Decimal(junior["irr"]) == Decimal("0.2244")


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        # shortfalls: fund_a 0.8 x 600000 - 180000 = 300000; fund_b 0.8 x 400000 - 120000 = 200000
        (None, {"fund_a": "300000.00", "fund_b": "200000.00"}),
        # 500000 > cap 400000: pro rata 400000 x 300000/500000 = 240000 and x 200000/500000 = 160000
        ("400000", {"fund_a": "240000.00", "fund_b": "160000.00"}),
    ],
)
def test_a_guarantee_pays_the_shortfall_on_the_guaranteed_share_of_principal(cap, expected):
    guarantee = {"by": "state", "share_of_principal": "0.8"}
    if cap:
        guarantee["cap"] = cap
    document = contract(
        parties=[
            *PAYERS,
            {"organisation": "state", "role": "guarantor"},
            {"organisation": "fund_a", "role": "investor", "commitment": "600000", "tranche": "t"},
            {"organisation": "fund_b", "role": "investor", "commitment": "400000", "tranche": "t"},
            {"organisation": "provider", "role": "provider"},
        ],
        tranches=[{"name": "t", "return_cap": {"kind": "none"}}],
        periods=[year(2027)],
        terms=[{"id": "jobs", "metric": "M", "kind": "rate_card", "price": "100000"}],
        guarantees=[guarantee],
    )
    drawdowns = [
        {"investor": "fund_a", "on": "2027-01-01", "amount": "600000"},
        {"investor": "fund_b", "on": "2027-01-01", "amount": "400000"},
    ]
    answer = settled(document, values({"2027": {"M": "3"}}, drawdowns=drawdowns))
    period = period_of(answer, "2027")
    # 3 x 100000 = 300000, within the tranche pro rata to drawn principal 600000 : 400000
    assert period["investors"]["fund_a"] == {"principal": "180000.00", "return": "0.00"}
    assert period["investors"]["fund_b"] == {"principal": "120000.00", "return": "0.00"}
    paid = {g["investor"]: g["amount"] for g in answer["guarantees"]}
    assert paid == expected
    assert {g["by"] for g in answer["guarantees"]} == {"state"}


def test_a_participant_level_rate_card_stops_at_the_per_participant_cap():
    document = contract(
        metrics=[
            {
                "code": "EMP6",
                "name": "In work six months",
                "unit": "count",
                "direction": "higher",
                "participant_level": True,
            },
            {
                "code": "EDU",
                "name": "Completed training",
                "unit": "count",
                "direction": "higher",
                "participant_level": True,
            },
        ],
        terms=[
            {"id": "jobs", "metric": "EMP6", "kind": "rate_card", "price": "45000"},
            {"id": "training", "metric": "EDU", "kind": "rate_card", "price": "30000"},
        ],
        caps={"per_participant": "60000"},
    )
    rows = [
        ("p-1", "EMP6", "2027", "2027-03-01"),
        ("p-1", "EDU", "2027", "2027-05-01"),
        ("p-2", "EDU", "2027", "2027-02-01"),
        ("p-2", "EMP6", "2027", "2027-06-01"),
        ("p-3", "EMP6", "2027", "2027-04-01"),
        ("p-1", "EMP6", "2027", "2027-09-01"),  # second EMP6 row of p-1: never counted
        ("p-3", "EDU", "2028", "2028-02-01"),
        ("p-4", "EMP6", "2028", "2028-03-01"),
        ("p-1", "EMP6", "2028", "2028-04-01"),  # p-1 counted for EMP6 in 2027 already
    ]
    participants = [
        {"participant": p, "metric": m, "period": period, "achieved_on": on}
        for p, m, period, on in rows
    ]
    answer = settled(document, values({}, participants=participants))
    first, second = period_of(answer, "2027"), period_of(answer, "2028")
    # 2027 in achieved_on order: p-2 EDU 30000 (p-2: 30000); p-1 EMP6 45000 (p-1: 45000);
    # p-3 EMP6 45000 (p-3: 45000); p-1 EDU 30000 cut to 60000 - 45000 = 15000;
    # p-2 EMP6 45000 cut to 60000 - 30000 = 30000.
    # jobs: 3 rows (p-1, p-3, p-2): 45000 + 45000 + 30000 = 120000;
    # training: 2 rows: 30000 + 15000 = 45000
    assert (term_of(first, "jobs")["measure"], term_of(first, "jobs")["amount"]) == (
        "3",
        "120000.00",
    )
    assert (term_of(first, "training")["measure"], term_of(first, "training")["amount"]) == (
        "2",
        "45000.00",
    )
    assert first["amount"] == "165000.00"
    assert first["payers"] == {"botkyrka": "82500.00", "nacka": "82500.00"}
    # 2028: p-3 EDU 30000 cut to 60000 - 45000 = 15000; p-4 EMP6 45000; p-1 not counted again.
    assert (term_of(second, "jobs")["measure"], term_of(second, "jobs")["amount"]) == (
        "1",
        "45000.00",
    )
    assert term_of(second, "training")["amount"] == "15000.00"
    assert second["amount"] == "60000.00"
    assert answer["totals"]["amount"] == "225000.00"  # 165000 + 60000


def test_the_outcome_total_cuts_the_period_pro_rata_and_ties_go_to_the_first_payer():
    document = contract(
        metrics=[
            {"code": "A", "name": "A", "unit": "count", "direction": "higher"},
            {"code": "B", "name": "B", "unit": "count", "direction": "higher"},
        ],
        terms=[
            {"id": "ta", "metric": "A", "kind": "rate_card", "price": "100000"},
            {"id": "tb", "metric": "B", "kind": "rate_card", "price": "100000"},
        ],
        caps={"outcome_total": "1000000"},
    )
    answer = settled(document, values({"2027": {"A": "6", "B": "3"}, "2028": {"A": "2", "B": "1"}}))
    first, second = period_of(answer, "2027"), period_of(answer, "2028")
    # 2027: 600000 + 300000 = 900000, under the cap
    assert first["amount"] == "900000.00"
    # 2028: 200000 + 100000 = 300000 but only 1000000 - 900000 = 100000 remains. Pro rata:
    # 100000 x 2/3 = 66666.666.., x 1/3 = 33333.333..; floors 66666.66 + 33333.33 leave 1 öre,
    # which goes to the larger remainder (ta, 0.67 öre).
    assert term_of(second, "ta")["amount"] == "66666.67"
    assert term_of(second, "tb")["amount"] == "33333.33"
    # halves: ta 66666.67 -> 33333.335 each, the tie goes to botkyrka (listed first):
    # 33333.34 / 33333.33; tb 33333.33 -> 16666.665 each: 16666.67 / 16666.66.
    # botkyrka 33333.34 + 16666.67 = 50000.01; nacka 33333.33 + 16666.66 = 49999.99
    assert second["payers"] == {"botkyrka": "50000.01", "nacka": "49999.99"}
    assert answer["totals"]["amount"] == "1000000.00"


@pytest.mark.parametrize(
    ("rounding", "clamp", "value", "expected"),
    [
        # 1000 + (15 - 10)/(20 - 10) x (2001 - 1000) = 1500.5 yen: halves away from zero
        ("half_up", False, "15", "1501"),
        # ... or to the even yen
        ("half_even", False, "15", "1500"),
        # 1000 + 7.5/10 x 1001 = 1750.75 -> 1751 either way
        ("half_even", False, "17.5", "1751"),
        # below the floor without clamp: nothing
        ("half_up", False, "5", "0"),
        # below the floor with clamp: pay_at_floor
        ("half_up", True, "5", "1000"),
        # beyond the target: pay_at_target
        ("half_up", False, "25", "2001"),
    ],
)
def test_a_linear_term_rounds_once_to_the_yen(rounding, clamp, value, expected):
    document = contract(
        currency="JPY",
        rounding=rounding,
        metrics=[{"code": "M", "name": "Score", "unit": "percent", "direction": "higher"}],
        periods=[year(2027)],
        terms=[
            {
                "id": "score",
                "metric": "M",
                "kind": "linear",
                "floor": "10",
                "target": "20",
                "pay_at_floor": "1000",
                "pay_at_target": "2001",
                "clamp": clamp,
            }
        ],
        payer_shares={"botkyrka": "1"},
    )
    period = period_of(settled(document, values({"2027": {"M": value}})), "2027")
    assert term_of(period, "score")["amount"] == expected
    assert period["payers"] == {"botkyrka": expected, "nacka": "0"}


def test_a_cumulative_rate_card_pays_what_it_adds_up_to_its_cap_total():
    document = contract(
        periods=[year(2027), year(2028), year(2029)],
        terms=[
            {
                "id": "avoided",
                "metric": "M",
                "kind": "rate_card",
                "price": "1000",
                "basis": "cumulative",
                "cap_total": "25000",
            }
        ],
    )
    answer = settled(
        document, values({"2027": {"M": "10"}, "2028": {"M": "12"}, "2029": {"M": "8"}})
    )
    amounts = [term_of(period_of(answer, y), "avoided")["amount"] for y in ("2027", "2028", "2029")]
    # cumulative 10 -> 10000; 22 -> 22000 - 10000 = 12000; 30 -> 30000 capped at 25000,
    # minus the group's memory 22000 = 3000
    assert amounts == ["10000.00", "12000.00", "3000.00"]
    assert term_of(period_of(answer, "2029"), "avoided")["measure"] == "30"
    assert answer["totals"]["amount"] == "25000.00"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("31", "0.00"),  # does not reach 30 (31 > 30)
        ("30", "100000.00"),  # reaches 30 exactly
        ("25", "100000.00"),  # reaches 30, not 20
        ("20", "250000.00"),  # reaches 20
        ("5", "250000.00"),
    ],
)
def test_a_lower_is_better_tier_is_reached_at_or_below_its_threshold(days, expected):
    document = contract(
        metrics=[{"code": "WAIT", "name": "Days waiting", "unit": "days", "direction": "lower"}],
        periods=[year(2027)],
        terms=[
            {
                "id": "waiting",
                "metric": "WAIT",
                "kind": "tiered",
                "tiers": [{"at": "30", "pay": "100000"}, {"at": "20", "pay": "250000"}],
            }
        ],
    )
    period = period_of(settled(document, values({"2027": {"WAIT": days}})), "2027")
    assert term_of(period, "waiting")["amount"] == expected


@pytest.mark.parametrize(
    ("surplus", "amount", "provider"),
    [
        # retained: capacity is 0 (nothing drawn, no return on nothing), so nothing is owed
        ("retained", "0.00", "0.00"),
        # provider: nothing is cut in step 5 and the 500000 no investor can take goes there
        ("provider", "500000.00", "500000.00"),
    ],
)
def test_money_earned_when_nothing_is_drawn_is_not_owed_unless_the_surplus_goes_on(
    surplus, amount, provider
):
    document = contract(
        parties=[
            *PAYERS,
            {
                "organisation": "senior_fund",
                "role": "investor",
                "commitment": "1000000",
                "tranche": "senior",
            },
            {"organisation": "provider", "role": "provider"},
        ],
        tranches=[{"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.06"}}],
        periods=[year(2027)],
        terms=[{"id": "jobs", "metric": "M", "kind": "rate_card", "price": "100000"}],
        surplus=surplus,
    )
    period = period_of(settled(document, values({"2027": {"M": "5"}})), "2027")  # 5 x 100000
    assert term_of(period, "jobs")["amount"] == amount
    assert period["amount"] == amount
    assert Decimal(provider_of(period)) == Decimal(provider)
    assert Decimal(period["investors"].get("senior_fund", {}).get("principal", "0")) == 0


def test_a_correction_one_payer_shares_stays_its_credit_so_payers_pay_beyond_the_outcome_total():
    """docs/terms.md, reading 32: step 4 caps what terms earn; step 7 nets a negative balance
    per payer and never pays it back, so payers together may pay more than the cap."""
    document = contract(
        metrics=[
            {"code": "A", "name": "A", "unit": "count", "direction": "higher"},
            {"code": "B", "name": "B", "unit": "count", "direction": "higher"},
        ],
        terms=[
            {"id": "jobs", "metric": "A", "kind": "tiered", "basis": "cumulative",
             "tiers": [{"at": "10", "pay": "100000"}]},
            {"id": "health", "metric": "B", "kind": "rate_card", "price": "30000",
             "payer_shares": {"nacka": "1"}},
        ],
        caps={"outcome_total": "100000"},
    )  # fmt: skip
    # 2028 reports A = -5: five of 2027's outcomes were wrong, cumulative 5 is below the tier
    reported = {"2027": {"A": "10", "B": "0"}, "2028": {"A": "-5", "B": "2"}}
    answer = settled(document, values(reported))
    first, second = period_of(answer, "2027"), period_of(answer, "2028")
    # 2027: cumulative 10 reaches the tier: 100000, the whole cap, half each
    assert first["payers"] == {"botkyrka": "50000.00", "nacka": "50000.00"}
    # 2028: jobs 0 less 100000 earned = -100000 (half each); health 2 x 30000 = 60000, Nacka's
    # alone; net -40000 leaves the earned total at 60000, under the cap: nothing cut
    assert term_of(second, "jobs")["amount"] == "-100000.00"
    assert term_of(second, "health")["amount"] == "60000.00"
    # Botkyrka -50000: its credit, carried and never paid back; Nacka -50000 + 60000 = 10000
    assert nonzero(second["payers"]) == {"nacka": "10000.00"}
    # Earned 60000, paid 110000: beyond the 100000 cap by part of Botkyrka's 50000 credit
    assert answer["totals"]["amount"] == "110000.00"
