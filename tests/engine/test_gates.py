"""Gates: a term pays nothing in a period unless its gate's measure reaches `at`."""

from __future__ import annotations

import pytest

TIER = {"id": "t", "kind": "tiered", "tiers": [{"at": "0", "pay": "100"}]}


@pytest.mark.parametrize(
    ("safe", "expected", "gate_measure"),
    [("49.9", "0.00", "49.9"), ("50", "100.00", "50"), ("60", "100.00", "60")],
)
def test_a_gate_without_metric_uses_the_terms_own_measure(run, entry, safe, expected, gate_measure):
    term = {**TIER, "metric": "SAFE", "gate": {"at": "50"}}
    found = entry(run([term], values={"2027": {"SAFE": safe}}), "2027", "t")
    assert (found["amount"], found["gate_measure"]) == (expected, gate_measure)


@pytest.mark.parametrize(
    ("cnt", "expected", "gate_measure"),
    # relative change of CNT against 200: 100 * (218 - 200) / 200 = 9; 220 gives 10
    [("218", "0.00", "9"), ("220", "100.00", "10")],
)
def test_a_gate_on_another_metric_uses_that_metric_by_its_own_measure(
    run, entry, cnt, expected, gate_measure
):
    gate = {"at": "10", "metric": "CNT", "measure": {"kind": "relative_change", "baseline": "200"}}
    term = {**TIER, "metric": "SAFE", "gate": gate}
    found = entry(run([term], values={"2027": {"SAFE": "1", "CNT": cnt}}), "2027", "t")
    assert (found["amount"], found["gate_measure"]) == (expected, gate_measure)
    assert found["measure"] == "1"


def test_a_gate_metric_without_a_value_fails_the_gate(run, entry):
    term = {**TIER, "metric": "SAFE", "gate": {"at": "1", "metric": "CNT"}}
    found = entry(run([term], values={"2027": {"SAFE": "1"}}), "2027", "t")
    assert (found["amount"], found["gate_measure"]) == ("0.00", None)
    assert found["explanation"] == "gate failed: CNT has no value in period 2027; pays nothing"


@pytest.mark.parametrize(
    ("wait", "expected"),
    [("31", "0.00"), ("30", "100.00")],  # days waited: at most 30 reaches the gate
)
def test_a_gate_on_a_lower_is_better_value_reaches_at_or_below(run, amounts, wait, expected):
    term = {**TIER, "metric": "SAFE", "gate": {"at": "30", "metric": "WAIT"}}
    answer = run([term], values={"2027": {"SAFE": "1", "WAIT": wait}})
    assert amounts(answer, "t") == [expected]


def test_a_cumulative_terms_own_gate_is_cumulative(run, amounts, entry):
    # Cumulative CNT: 10 then 30. The gate at 25 fails on 10 and passes on 30:
    # 2028 pays 30 * 10 - 0 already earned = 300.
    term = {
        "id": "t",
        "metric": "CNT",
        "kind": "rate_card",
        "price": "10",
        "basis": "cumulative",
        "gate": {"at": "25"},
    }
    answer = run([term], values={"2027": {"CNT": "10"}, "2028": {"CNT": "20"}})
    assert amounts(answer, "t") == ["0.00", "300.00"]
    assert [entry(answer, p, "t")["gate_measure"] for p in ("2027", "2028")] == ["10", "30"]


def test_the_explanation_names_the_gate_that_passed(run, entry):
    term = {**TIER, "metric": "SAFE", "gate": {"at": "2", "metric": "CNT"}}
    found = entry(run([term], values={"2027": {"SAFE": "1", "CNT": "3"}}), "2027", "t")
    assert found["explanation"] == (
        "gate: value of CNT 3 reached 2; value 1 reached the tier at 0 (pays 100); no cap bound"
    )


def test_gate_measure_is_null_without_a_gate(run, entry):
    found = entry(run([{**TIER, "metric": "SAFE"}], values={"2027": {"SAFE": "1"}}), "2027", "t")
    assert found["gate_measure"] is None
