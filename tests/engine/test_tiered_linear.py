"""Tiered and linear terms: which tier fires, and the straight line between floor and target."""

from __future__ import annotations

import pytest

TIERS = [{"at": "3", "pay": "1000000"}, {"at": "6", "pay": "2500000"}]


@pytest.mark.parametrize(
    ("safe", "expected", "explained"),
    [
        ("54.9", "0.00", "change 2.9 reached no tier (the first is at 3)"),
        ("55", "1000000.00", "change 3 reached the tier at 3 (pays 1000000); no cap bound"),
        ("57.5", "1000000.00", "change 5.5 reached the tier at 3 (pays 1000000); no cap bound"),
        ("58", "2500000.00", "change 6 reached the tier at 6 (pays 2500000); no cap bound"),
        ("70", "2500000.00", "change 18 reached the tier at 6 (pays 2500000); no cap bound"),
    ],
)
def test_tiered_pays_the_most_demanding_tier_reached(run, entry, safe, expected, explained):
    term = {
        "id": "safety",
        "metric": "SAFE",
        "kind": "tiered",
        "tiers": TIERS,
        "measure": {"kind": "change", "baseline": "52"},
    }
    answer = run([term], values={"2027": {"SAFE": safe}})
    assert entry(answer, "2027", "safety")["amount"] == expected
    assert entry(answer, "2027", "safety")["explanation"].startswith(explained)


def test_tiers_on_a_lower_is_better_value_are_listed_from_least_to_most_demanding(run, amounts):
    # Days waited: 30 or fewer pays 100, 20 or fewer pays 300; 25 reaches only the first.
    term = {
        "id": "t",
        "metric": "WAIT",
        "kind": "tiered",
        "tiers": [{"at": "30", "pay": "100"}, {"at": "20", "pay": "300"}],
    }
    answer = run(
        [term], values={"2027": {"WAIT": "25"}, "2028": {"WAIT": "20"}, "2029": {"WAIT": "31"}}
    )
    assert amounts(answer, "t") == ["100.00", "300.00", "0.00"]


LINEAR = {
    "id": "lin",
    "metric": "CNT",
    "kind": "linear",
    "floor": "10",
    "target": "20",
    "pay_at_floor": "100",
    "pay_at_target": "600",
}


@pytest.mark.parametrize(
    ("clamp", "value", "expected"),
    [
        (False, "9", "0.00"),  # below the floor, no clamp: nothing
        (True, "9", "100.00"),  # below the floor, clamped: pay_at_floor
        (False, "10", "100.00"),  # at the floor: 100
        (False, "13", "250.00"),  # 100 + (13 - 10) * (600 - 100) / (20 - 10) = 100 + 150
        (False, "12.345", "217.25"),  # 100 + 2.345 * 50 = 217.25
        (False, "20", "600.00"),  # at the target
        (False, "35", "600.00"),  # beyond the target: pay_at_target
    ],
)
def test_linear_pays_on_the_line_between_floor_and_target(run, amounts, clamp, value, expected):
    answer = run([{**LINEAR, "clamp": clamp}], values={"2027": {"CNT": value}})
    assert amounts(answer, "lin") == [expected]


def test_linear_pay_at_floor_defaults_to_zero(run, amounts):
    term = {k: v for k, v in LINEAR.items() if k != "pay_at_floor"}
    # 0 + (15 - 10) * 600 / 10 = 300
    answer = run([term], values={"2027": {"CNT": "15"}})
    assert amounts(answer, "lin") == ["300.00"]


@pytest.mark.parametrize(
    ("value", "expected"),
    # Fewer days is better: floor 40, target 20; 30 is half way: 0 + 10 * 1000 / 20 = 500.
    [
        ("41", "0.00"),
        ("40", "0.00"),
        ("30", "500.00"),
        ("25", "750.00"),
        ("20", "1000.00"),
        ("5", "1000.00"),
    ],
)
def test_linear_on_a_lower_is_better_value_runs_downwards(run, amounts, value, expected):
    term = {
        "id": "lin",
        "metric": "WAIT",
        "kind": "linear",
        "floor": "40",
        "target": "20",
        "pay_at_target": "1000",
    }
    answer = run([term], values={"2027": {"WAIT": value}})
    assert amounts(answer, "lin") == [expected]


@pytest.mark.parametrize(
    ("mode", "expected"),
    # 0 + (10.5 - 10) * 0.01 / 1 = 0.005 SEK: half up gives 0.01, half even 0.00.
    [("half_up", "0.01"), ("half_even", "0.00")],
)
def test_a_term_amount_is_rounded_once_with_the_contracts_mode(run, amounts, mode, expected):
    term = {
        "id": "lin",
        "metric": "CNT",
        "kind": "linear",
        "floor": "10",
        "target": "11",
        "pay_at_target": "0.01",
    }
    answer = run([term], values={"2027": {"CNT": "10.5"}}, rounding=mode)
    assert amounts(answer, "lin") == [expected]
