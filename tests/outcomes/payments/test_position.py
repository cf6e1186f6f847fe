"""What a run owes per period: full figures when nothing was approved, else differences (pure)."""

from decimal import Decimal

import pytest

from outcomes.payments.position import basis_of, dumps_allocation, loads_allocation, owed_by_run

PAYERS = ["a", "b"]


def period(label, jobs, a, b, principal):
    return {
        "period": label,
        "terms": [{"term": "jobs", "measure": "1", "amount": jobs, "explanation": "x"}],
        "payers": {"a": a, "b": b},
        "investors": {"fund": {"principal": principal, "return": "0.00"}},
    }


def answer(*periods):
    return {"periods": list(periods), "guarantees": []}


def approved(jobs, a, b, principal):
    return {
        "terms": {"jobs": Decimal(jobs)},
        "payers": {"a": Decimal(a), "b": Decimal(b)},
        "investors": {"fund": {"principal": Decimal(principal), "return": Decimal(0)}},
        "provider": Decimal(0),
    }


@pytest.mark.parametrize(
    ("approved_before", "through", "kinds", "payer_a"),
    [
        # nothing approved: the run's own period in full, earlier periods left to their runs
        ({},                                        "2028", [("2028", "payment")],    "30.00"),
        # 2027 approved as it is now: only 2028 is owed
        ({"2027": approved("100", "60", "40", "100")}, "2028", [("2028", "payment")], "30.00"),
        # 2027 approved at 90 and now 100: its difference, then 2028 in full
        ({"2027": approved("90", "54", "36", "90")},   "2028",
         [("2027", "adjustment"), ("2028", "payment")],                                "36.00"),
        # 2028 itself approved at 50, now 50: nothing more is owed
        ({"2028": approved("50", "30", "20", "50")},   "2028", [],                    "0"),
    ],
)  # fmt: skip
def test_a_run_owes_new_periods_in_full_and_approved_ones_by_difference(
    approved_before, through, kinds, payer_a
):
    result = owed_by_run(
        answer(
            period("2027", "100.00", "60.00", "40.00", "100.00"),
            period("2028", "50.00", "30.00", "20.00", "50.00"),
        ),  # fmt: skip
        through,
        approved_before,
        PAYERS,
    )
    assert [(line.period, line.kind) for line in result.lines] == kinds
    total_a = sum((f["payers"]["a"] for f in result.allocation.values()), Decimal(0))
    assert total_a == Decimal(payer_a)


def test_an_allocation_survives_its_json_text_exactly():
    allocation = {"2027": approved("1234567890123456.78", "0.01", "-0.01", "7")}
    assert loads_allocation(dumps_allocation(allocation)) == allocation
    assert basis_of(allocation) == basis_of(loads_allocation(dumps_allocation(allocation)))
