"""Cumulative basis, groups and memory: paying the result to date minus what was paid."""

from __future__ import annotations

import pytest


def cumulative(term_id: str = "cum", **fields) -> dict:
    return {
        "id": term_id,
        "metric": "CNT",
        "kind": "rate_card",
        "price": "10",
        "basis": "cumulative",
        **fields,
    }


def per_period(term_id: str = "coh", **fields) -> dict:
    return {"id": term_id, "metric": "CNT", "kind": "rate_card", "price": "10", **fields}


def counts(*values: str | None) -> dict:
    return {str(2027 + i): {"CNT": v} for i, v in enumerate(values) if v is not None}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # to date 10, 15, 35: 100 - 0, 150 - 100, 350 - 150
        (("10", "5", "20"), ["100.00", "50.00", "200.00"]),
        # no value in 2028 pays nothing; 2029: to date 30 -> 300 - 100
        (("10", None, "20"), ["100.00", "0.00", "200.00"]),
        # corrected downwards: to date 30, 15, 25: 300, 150 - 300 = -150, 250 - 150 = 100
        (("30", "-15", "10"), ["300.00", "-150.00", "100.00"]),
    ],
)
def test_a_cumulative_term_pays_its_result_to_date_minus_its_memory(run, amounts, values, expected):
    answer = run([cumulative()], values=counts(*values), through="2029")
    assert amounts(answer, "cum") == expected


def test_a_cumulative_term_needs_its_own_metrics_value_in_the_period(run, entry):
    answer = run([cumulative()], values={"2027": {"CNT": "10"}, "2028": {"SAFE": "1"}})
    found = entry(answer, "2028", "cum")
    assert (found["measure"], found["amount"]) == (None, "0.00")
    assert "CNT has no value in period 2028" in found["explanation"]


def test_a_cumulative_tiered_term_pays_the_step_up(run, amounts):
    # tiers at 20 (1000) and 40 (3000); to date 10, 25, 45: 0, 1000 - 0, 3000 - 1000
    term = {
        "id": "cum",
        "metric": "CNT",
        "kind": "tiered",
        "basis": "cumulative",
        "tiers": [{"at": "20", "pay": "1000"}, {"at": "40", "pay": "3000"}],
    }
    answer = run([term], values=counts("10", "15", "20"))
    assert amounts(answer, "cum") == ["0.00", "1000.00", "2000.00"]


def test_a_cumulative_change_uses_a_numeric_baseline_once_and_sums_a_baseline_metric(run, entry):
    numeric = cumulative("num", measure={"kind": "change", "baseline": "5"})
    compared = cumulative("cmp", measure={"kind": "change", "baseline": {"metric": "CMP"}})
    values = {"2027": {"CNT": "10", "CMP": "4"}, "2028": {"CNT": "20", "CMP": "6"}}
    answer = run([numeric, compared], values=values)
    assert entry(answer, "2028", "num")["measure"] == "25"  # (10 + 20) - 5
    assert entry(answer, "2028", "cmp")["measure"] == "20"  # (10 + 20) - (4 + 6)


def test_an_amount_cut_by_a_cap_is_earned_again_by_a_later_cumulative_evaluation(run, amounts):
    # To date 20, 20, 20 -> 200 each time. 2027: 200 cut to 150 by cap_per_period.
    # 2028: 200 - 150 = 50. 2029: 200 - 200 = 0.
    answer = run([cumulative(cap_per_period="150")], values=counts("20", "0", "0"))
    assert amounts(answer, "cum") == ["150.00", "50.00", "0.00"]


def test_the_classic_cohort_and_pooled_result_group(run, amounts, entry):
    # Cohorts 2027 and 2028 pay 100 an event avoided when their SAFE gate reaches 10;
    # 2029 pays for all cohorts if the pooled result (CMP) reaches 7.5, less what was paid.
    cohort = per_period(
        "coh", periods=["2027", "2028"], group="pool", gate={"at": "10", "metric": "SAFE"}
    )
    pooled = cumulative(
        "pool", periods=["2029"], group="pool", price="10", gate={"at": "7.5", "metric": "CMP"}
    )
    values = {
        "2027": {"CNT": "50", "SAFE": "12"},  # 50 * 10 = 500
        "2028": {"CNT": "40", "SAFE": "8"},  # gate fails: 0
        "2029": {"CNT": "10", "CMP": "8"},  # to date 100 * 10 = 1000, less 500 paid
    }
    answer = run([cohort, pooled], values=values)
    assert amounts(answer, "coh") == ["500.00", "0.00", "-"]
    assert amounts(answer, "pool") == ["-", "-", "500.00"]
    assert entry(answer, "2029", "pool")["measure"] == "100"


def test_a_group_is_capped_by_its_smallest_cap_total(run, amounts, entry):
    # As above, with cap_total 2000 on the cohorts and 700 on the pooled term: the group's
    # cap is 700, so 2029 pays 700 - 500 = 200.
    cohort = per_period("coh", periods=["2027"], group="pool", cap_total="2000")
    pooled = cumulative("pool", periods=["2029"], group="pool", cap_total="700")
    answer = run([cohort, pooled], values=counts("50", None, "50"))
    assert amounts(answer, "pool") == ["-", "-", "200.00"]
    assert "group cap_total 700 bound" in entry(answer, "2029", "pool")["explanation"]


def test_cap_total_caps_a_period_term_over_the_contracts_life(run, amounts, entry):
    # 10 * 100 = 1000 a period, at most 2500 in all: 1000, 1000, 500
    answer = run([per_period(price="100", cap_total="2500")], values=counts("10", "10", "10"))
    assert amounts(answer, "coh") == ["1000.00", "1000.00", "500.00"]
    assert "cap_total 2500 bound" in entry(answer, "2029", "coh")["explanation"]


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        # the period term pays 10 * 10 = 100 first; the cumulative one 100 - 100 = 0
        (None, ["100.00", "0.00"]),
        # the period term is cut to 60 by step 1; the cumulative one pays 100 - 60 = 40
        ("60", ["60.00", "40.00"]),
    ],
)
def test_memory_counts_earlier_terms_of_the_same_period_after_steps_one_to_three(
    run, amounts, cap, expected
):
    first = per_period("coh", group="g", **({"cap_per_period": cap} if cap else {}))
    answer = run([first, cumulative("cum", group="g")], values=counts("10"))
    assert [amounts(answer, "coh")[0], amounts(answer, "cum")[0]] == expected


def test_the_explanation_says_what_the_group_already_earned(run, entry):
    # to date 10 then 15: 150 less the 100 already earned = 50
    answer = run([cumulative()], values=counts("10", "5"))
    assert entry(answer, "2028", "cum")["explanation"] == (
        "cumulative value 15 gives 15 units (pays 150); less 100 already earned by its group; "
        "no cap bound"
    )


def test_a_cumulative_baseline_metric_needs_a_value_in_the_period(run, entry):
    term = cumulative("cmp", measure={"kind": "change", "baseline": {"metric": "CMP"}})
    values = {"2027": {"CNT": "10", "CMP": "4"}, "2028": {"CNT": "20"}}
    found = entry(run([term], values=values), "2028", "cmp")
    assert (found["measure"], found["amount"]) == (None, "0.00")
    assert "baseline CMP has no value in 2028" in found["explanation"]
