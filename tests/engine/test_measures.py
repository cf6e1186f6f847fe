"""Measures: value, change and relative change, numeric and metric baselines, no value."""

from __future__ import annotations

import pytest


def tiered(metric: str, measure: dict | None = None) -> dict:
    term = {"id": "t", "metric": metric, "kind": "tiered", "tiers": [{"at": "5", "pay": "100"}]}
    if measure is not None:
        term["measure"] = measure
    return term


@pytest.mark.parametrize(
    ("metric", "measure", "values", "expected"),
    [
        ("SAFE", None, {"SAFE": "57.50"}, "57.5"),  # v
        ("SAFE", {"kind": "value"}, {"SAFE": "57.5"}, "57.5"),  # v
        ("SAFE", {"kind": "change", "baseline": "52"}, {"SAFE": "57.5"}, "5.5"),  # 57.5 - 52
        ("WAIT", {"kind": "change", "baseline": "30"}, {"WAIT": "24"}, "6"),  # lower: 30 - 24
        ("CNT", {"kind": "relative_change", "baseline": "80"}, {"CNT": "90"}, "12.5"),  # 100*10/80
        ("WAIT", {"kind": "relative_change", "baseline": "40"}, {"WAIT": "30"}, "25"),  # 100*10/40
        (
            "CNT",
            {"kind": "change", "baseline": {"metric": "CMP"}},
            {"CNT": "120", "CMP": "100"},
            "20",
        ),
        (
            "CNT",
            {"kind": "relative_change", "baseline": {"metric": "CMP"}},
            {"CNT": "90", "CMP": "120"},
            "-25",
        ),  # 100*-30/120
        # 100 * 1 / 3 written to 28 significant digits, the last rounded half even.
        (
            "CNT",
            {"kind": "relative_change", "baseline": "3"},
            {"CNT": "4"},
            "33.33333333333333333333333333",
        ),
    ],
)
def test_the_measure_is_read_from_the_metric_and_its_baseline(
    run, entry, metric, measure, values, expected
):
    answer = run([tiered(metric, measure)], values={"2027": values})
    assert entry(answer, "2027", "t")["measure"] == expected


@pytest.mark.parametrize(
    ("metric", "measure", "values", "missing"),
    [
        ("SAFE", None, {"CNT": "1"}, "SAFE has no value in period 2027"),
        (
            "CNT",
            {"kind": "change", "baseline": {"metric": "CMP"}},
            {"CNT": "5"},
            "baseline CMP has no value",
        ),
        ("CNT", {"kind": "relative_change", "baseline": "0"}, {"CNT": "5"}, "the baseline is 0"),
        (
            "CNT",
            {"kind": "relative_change", "baseline": {"metric": "CMP"}},
            {"CNT": "5", "CMP": "0"},
            "the baseline is 0",
        ),
    ],
)
def test_a_term_without_a_value_pays_nothing_and_says_what_was_missing(
    run, entry, metric, measure, values, missing
):
    answer = run([tiered(metric, measure)], values={"2027": values})
    term = entry(answer, "2027", "t")
    assert term["measure"] is None
    assert term["amount"] == "0.00"
    assert missing in term["explanation"]
    assert "pays nothing" in term["explanation"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4", "0.00"), ("5", "100.00"), ("6", "100.00")],
)
def test_a_higher_is_better_value_reaches_at_or_above(run, amounts, value, expected):
    answer = run([tiered("CNT")], values={"2027": {"CNT": value}})
    assert amounts(answer, "t") == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6", "0.00"), ("5", "100.00"), ("4", "100.00")],  # days waited: fewer is better
)
def test_a_lower_is_better_value_reaches_at_or_below(run, amounts, value, expected):
    answer = run([tiered("WAIT")], values={"2027": {"WAIT": value}})
    assert amounts(answer, "t") == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    # change = 30 - v, oriented so bigger is better: reaches 5 when v <= 25.
    [("26", "0.00"), ("25", "100.00"), ("20", "100.00")],
)
def test_a_change_on_a_lower_is_better_metric_is_oriented_bigger_is_better(
    run, amounts, value, expected
):
    answer = run(
        [tiered("WAIT", {"kind": "change", "baseline": "30"})], values={"2027": {"WAIT": value}}
    )
    assert amounts(answer, "t") == [expected]
