"""Participant-level metrics: first rows, repeatable terms, unit order, the per-participant cap."""

from __future__ import annotations

import pytest


def card(term_id: str = "jobs", metric: str = "EMP", **fields) -> dict:
    return {"id": term_id, "metric": metric, "kind": "rate_card", "price": "1000", **fields}


def participant(who: str, on: str, metric: str = "EMP") -> dict:
    return {"participant": who, "metric": metric, "period": on[:4], "achieved_on": on}


ROWS = [
    participant("p1", "2027-03-01"),
    participant("p2", "2027-02-01"),
    participant("p1", "2027-06-01"),  # p1 again
    participant("p1", "2028-01-10"),  # p1 a third time, next year
    participant("p3", "2028-04-01"),
]


@pytest.mark.parametrize(
    ("repeatable", "measures", "expected"),
    [
        # first rows only: p1 and p2 in 2027, p3 in 2028
        (False, ["2", "1"], ["2000.00", "1000.00"]),
        # every row: three in 2027, two in 2028
        (True, ["3", "2"], ["3000.00", "2000.00"]),
    ],
)
def test_a_participant_counts_at_its_first_row_unless_the_term_is_repeatable(
    run, amounts, entry, repeatable, measures, expected
):
    answer = run([card(repeatable=repeatable)], participants=ROWS)
    assert amounts(answer, "jobs") == expected
    assert [entry(answer, p, "jobs")["measure"] for p in ("2027", "2028")] == measures


def test_a_participant_level_metric_without_rows_has_the_value_zero(run, entry):
    tier = {"id": "t", "metric": "EMP", "kind": "tiered", "tiers": [{"at": "0", "pay": "5"}]}
    answer = run([tier], values={"2027": {"CNT": "1"}})
    assert entry(answer, "2027", "t")["measure"] == "0"
    assert entry(answer, "2027", "t")["amount"] == "5.00"


def test_as_a_gate_a_participant_level_metric_counts_first_rows_only(run, entry):
    # The repeatable term counts 3 rows in 2027, but its gate on EMP sees 2 first rows.
    term = card("jobs", repeatable=True, gate={"at": "3", "metric": "EMP"})
    answer = run([term], participants=ROWS, through="2027")
    assert entry(answer, "2027", "jobs")["gate_measure"] == "2"
    assert entry(answer, "2027", "jobs")["amount"] == "0.00"


PER_PARTICIPANT = {"per_participant": "1500"}


def test_the_per_participant_cap_spans_periods_and_cuts_the_crossing_outcome(run, amounts):
    # Repeatable, 1000 a row, at most 1500 a participant: p1's 2027 rows pay 1000 + 500,
    # p2 1000; in 2028 p1 has nothing left, p3 pays 1000.
    answer = run([card(repeatable=True)], participants=ROWS, caps=PER_PARTICIPANT)
    assert amounts(answer, "jobs") == ["2500.00", "1000.00"]
    assert (
        "per_participant cap 1500 bound for p1" in answer["periods"][0]["terms"][0]["explanation"]
    )


def test_the_per_participant_cap_takes_outcomes_in_achieved_on_order_across_terms(
    run, amounts, metrics
):
    # p1 is housed on 1 March and in work on 1 June. Housing comes first: 1000 of the 1500;
    # the job pays the 500 left although its term is listed first.
    rows = [participant("p1", "2027-06-01"), participant("p1", "2027-03-01", "HOUSE")]
    terms = [card("jobs"), card("homes", metric="HOUSE")]
    answer = run(terms, participants=rows, caps=PER_PARTICIPANT, metrics=metrics)
    assert amounts(answer, "jobs") == ["500.00"]
    assert amounts(answer, "homes") == ["1000.00"]


def test_per_participant_ties_on_the_same_day_go_by_term_order(run, amounts, metrics):
    rows = [participant("p1", "2027-06-01", "HOUSE"), participant("p1", "2027-06-01")]
    terms = [card("jobs"), card("homes", metric="HOUSE")]
    answer = run(terms, participants=rows, caps=PER_PARTICIPANT, metrics=metrics)
    # Same day: the earlier term (jobs) first takes 1000, homes the 500 left.
    assert amounts(answer, "jobs") == ["1000.00"]
    assert amounts(answer, "homes") == ["500.00"]


@pytest.mark.parametrize(
    ("fields", "cut_participant"),
    [
        # floor 1 leaves out the earliest row (p2, 1 Feb): p1 is the one unit
        ({"floor": "1"}, "p1"),
        # max_units 1 leaves out the latest row (p1, 1 March): p2 is the one unit
        ({"max_units": "1"}, "p2"),
    ],
)
def test_the_kth_counted_row_is_the_kth_unit(run, amounts, fields, cut_participant):
    # A 700 per-participant cap cuts whichever row is the unit to 700.
    answer = run(
        [card(**fields)], participants=ROWS, through="2027", caps={"per_participant": "700"}
    )
    assert amounts(answer, "jobs") == ["700.00"]
    explanation = answer["periods"][0]["terms"][0]["explanation"]
    assert f"bound for {cut_participant} " in explanation


def test_the_per_participant_cap_applies_before_the_terms_own_caps(run, amounts):
    # 2027: p1 and p2 at 1000 each = 2000, cut to 1200 by cap_per_period; each participant
    # still counts 1000 against the cap. 2028 (repeatable): p1 has 500 left, p3 1000 = 1500.
    answer = run(
        [card(repeatable=True, cap_per_period="1200")],
        participants=[ROWS[0], ROWS[1], ROWS[3], ROWS[4]],
        caps=PER_PARTICIPANT,
    )
    assert amounts(answer, "jobs") == ["1200.00", "1200.00"]
    # 2028 before cap_per_period: 500 + 1000 = 1500, cut to 1200.
    assert "cut from 1500" in answer["periods"][1]["terms"][0]["explanation"]


def test_participant_brackets_count_rows_to_date(run, amounts):
    # Brackets: the first 2 units at 1000, then 400. 2027: rows 1-2 at 1000 = 2000.
    # 2028: first rows p3 only (p1 counted in 2027): unit 3 at 400 = 400.
    term = {
        "id": "jobs",
        "metric": "EMP",
        "kind": "rate_card",
        "brackets": [{"up_to": "2", "price": "1000"}, {"price": "400"}],
    }
    answer = run([term], participants=ROWS)
    assert amounts(answer, "jobs") == ["2000.00", "400.00"]


def test_a_cumulative_participant_card_values_each_row_once(run, amounts, entry):
    # Cumulative, 1000 a row, per participant at most 1500, first rows: 2027 p2 and p1
    # (2000); 2028 to date p2, p1, p3: 3000 less the 2000 earned = 1000 (p3's row).
    answer = run([card(basis="cumulative")], participants=ROWS, caps=PER_PARTICIPANT)
    assert amounts(answer, "jobs") == ["2000.00", "1000.00"]
    assert entry(answer, "2028", "jobs")["measure"] == "3"


def test_a_cumulative_participant_card_values_rows_when_its_gate_first_passes(run, amounts):
    # The gate on SAFE fails in 2027 (no value): nothing paid, no row valued. 2028: all
    # three first rows to date are valued now: 3000 less 0 earned.
    gate = {"at": "1", "metric": "SAFE"}
    answer = run(
        [card(basis="cumulative", gate=gate)], participants=ROWS, values={"2028": {"SAFE": "1"}}
    )
    assert amounts(answer, "jobs") == ["0.00", "3000.00"]
