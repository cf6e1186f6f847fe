"""The engine validates its input itself and reports every problem at once, with JSON paths."""

from __future__ import annotations

import pytest

from contracts.engine.errors import InputError, Problem
from tests.engine.answers import settled

FUND = [
    {"organisation": "city", "role": "outcome_payer"},
    {"organisation": "fund", "role": "investor", "commitment": "1000", "tranche": "s"},
]
TRANCHES = [{"name": "s", "return_cap": {"kind": "none"}}]


def problems_of(document: dict, values: dict) -> list[Problem]:
    with pytest.raises(InputError) as raised:
        settled(document, values)
    return raised.value.problems


@pytest.mark.parametrize(
    ("values", "path", "words"),
    [
        (
            {"values": {"2027": {"CNT": 12}}},
            "$.values.2027.CNT",
            "must be a decimal written as a string",
        ),
        ({"values": {"2027": {"CNT": "twelve"}}}, "$.values.2027.CNT", "is not a decimal number"),
        ({"values": {"2027": {"CNT": "NaN"}}}, "$.values.2027.CNT", "is not a decimal number"),
        ({"values": {"2027": {"NOPE": "1"}}}, "$.values.2027.NOPE", "There is no metric 'NOPE'"),
        ({"values": {"2031": {"CNT": "1"}}}, "$.values.2031", "There is no period '2031'"),
        ({"values": {"2027": {"EMP": "3"}}}, "$.values.2027.EMP", "counted from participant rows"),
        (
            {
                "participants": [
                    {
                        "participant": "p",
                        "metric": "CNT",
                        "period": "2027",
                        "achieved_on": "2027-05-01",
                    }
                ]
            },
            "$.participants[0].metric",
            "not a participant-level metric",
        ),
        (
            {
                "participants": [
                    {
                        "participant": "p",
                        "metric": "EMP",
                        "period": "2027",
                        "achieved_on": "2028-05-01",
                    }
                ]
            },
            "$.participants[0].achieved_on",
            "outside period 2027",
        ),
        (
            {
                "participants": [
                    {
                        "participant": "p",
                        "metric": "EMP",
                        "period": "2027",
                        "achieved_on": "2027-02-30",
                    }
                ]
            },
            "$.participants[0].achieved_on",
            "is not a date",
        ),
        (
            {
                "participants": [
                    {
                        "participant": "p",
                        "metric": "EMP",
                        "period": "1999",
                        "achieved_on": "2027-02-03",
                    }
                ]
            },
            "$.participants[0].period",
            "There is no period '1999'",
        ),
        (
            {"drawdowns": [{"investor": "bank", "on": "2027-01-01", "amount": "10"}]},
            "$.drawdowns[0].investor",
            "'bank' is not an investor party",
        ),
        (
            {"drawdowns": [{"investor": "fund", "on": "2027-01-01", "amount": 10}]},
            "$.drawdowns[0].amount",
            "must be a decimal written as a string",
        ),
        (
            {"drawdowns": [{"investor": "fund", "on": "01/01/2027", "amount": "10"}]},
            "$.drawdowns[0].on",
            "is not a date",
        ),
        (
            {"drawdowns": [{"investor": "fund", "on": "2027-01-01", "amount": "-10"}]},
            "$.drawdowns[0].amount",
            "positive",
        ),
        (
            {"drawdowns": [{"investor": "fund", "on": "2027-01-01", "amount": "10.005"}]},
            "$.drawdowns[0].amount",
            "whole minor units",
        ),
        ({"through": "2031"}, "$.through", "There is no period '2031'"),
        ({"valeus": {}}, "$.valeus", "not part of the input document"),
    ],
)
def test_each_input_problem_is_reported_at_its_path(make_terms, values, path, words):
    document = make_terms(parties=FUND, tranches=TRANCHES)
    found = problems_of(document, values)
    assert [p.path for p in found] == [path]
    assert words in found[0].message


def test_a_drawdown_beyond_the_commitment_is_reported_where_it_crosses(make_terms):
    # 600 on 1 March then 500 on 1 February: in date order 500 then 1100 > 1000, so the
    # 1 March drawdown (listed first) is the one that crosses.
    drawdowns = [
        {"investor": "fund", "on": "2027-03-01", "amount": "600"},
        {"investor": "fund", "on": "2027-02-01", "amount": "500"},
    ]
    found = problems_of(make_terms(parties=FUND, tranches=TRANCHES), {"drawdowns": drawdowns})
    assert [p.path for p in found] == ["$.drawdowns[0].amount"]
    assert "beyond its commitment of 1000" in found[0].message


def test_every_problem_is_reported_at_once(make_terms):
    values = {"values": {"2027": {"CNT": 1, "NOPE": "1"}}, "through": "9999"}
    found = problems_of(make_terms(), values)
    assert [p.path for p in found] == ["$.values.2027.CNT", "$.values.2027.NOPE", "$.through"]


def test_an_x_field_is_carried_along(make_terms):
    answer = settled(
        make_terms(), {"values": {"2027": {"CNT": "1"}}, "x_note": "from the evaluator"}
    )
    assert [p["period"] for p in answer["periods"]] == ["2027"]


def test_through_defaults_to_the_last_period_with_a_value_or_row(make_terms):
    rows = [{"participant": "p", "metric": "EMP", "period": "2028", "achieved_on": "2028-05-01"}]
    answer = settled(make_terms(), {"values": {"2027": {"CNT": "1"}}, "participants": rows})
    assert [p["period"] for p in answer["periods"]] == ["2027", "2028"]


def test_an_input_without_values_settles_no_period(make_terms):
    answer = settled(make_terms(), {})
    assert answer["periods"] == []
    assert answer["totals"] == {"amount": "0.00", "payers": {"city": "0.00"}, "investors": {}}
