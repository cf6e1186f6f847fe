"""What a run owes per period: full figures when nothing was approved, else differences (pure)."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.engine.public import (
    Answer,
    InvestorShare,
    PayerLine,
    PeriodAnswer,
    TermLine,
    parse_contract,
)
from outcomes.payments.position import (
    add,
    basis_of,
    dumps_allocation,
    empty,
    loads_allocation,
    owed_by_run,
)

ZERO = Decimal(0)
CONTRACT = parse_contract({
    "reference": "T", "currency": "SEK",
    "parties": [{"organisation": "a", "role": "outcome_payer", "yearly_cap": "1000"},
                {"organisation": "b", "role": "outcome_payer"},
                {"organisation": "fund", "role": "investor", "commitment": "500",
                 "tranche": "senior"}],
    "tranches": [{"name": "senior", "return_cap": {"kind": "none"}}],
})  # fmt: skip


def period(label, jobs, a, b, principal, held=ZERO):
    return PeriodAnswer(
        label=label,
        payment_on=dt.date(int(label), 12, 31),
        terms=(TermLine("jobs", Decimal(1), None, Decimal(jobs), "x"),),
        payers=(PayerLine("a", Decimal(a) + held, ZERO, ZERO, held, ZERO, Decimal(a), 2027),
                PayerLine("b", Decimal(b), ZERO, ZERO, ZERO, ZERO, Decimal(b), 2027)),
        investors=(InvestorShare("fund", Decimal(principal), ZERO),),
        provider=ZERO,
    )  # fmt: skip


def answer(*periods):
    return Answer(CONTRACT, "digest", tuple(periods), (), ())


def approved(jobs, a, b, principal):
    figures = {"terms": {"jobs": Decimal(jobs)}, "payers": {"a": Decimal(a), "b": Decimal(b)},
               "investors": {"fund": {"principal": Decimal(principal)}}}  # fmt: skip
    return add(empty(), figures)


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
    )
    assert [(line.period, line.kind) for line in result.lines] == kinds
    total_a = sum((f["payers"]["a"] for f in result.allocation.values()), Decimal(0))
    assert total_a == Decimal(payer_a)


def test_a_yearly_cap_holding_money_back_is_a_line_of_its_own():
    # a's share 80 of the 120 earned is capped at 60: 20 held back. Lines: 120 - 20 = 100 owed.
    result = owed_by_run(answer(period("2027", "120.00", "60.00", "40.00", "100.00",
                                       held=Decimal("20.00"))), "2027", {})  # fmt: skip
    assert [(ln.kind, ln.organisation, ln.amount) for ln in result.lines] == [
        ("payment", None, Decimal("120.00")), ("held_back", "a", Decimal("-20.00"))]  # fmt: skip
    assert "yearly_cap of 1000 for 2027" in result.lines[1].explanation
    assert sum(ln.amount for ln in result.lines) == Decimal("100.00")


def test_an_allocation_survives_its_json_text_exactly():
    allocation = {"2027": approved("1234567890123456.78", "0.01", "-0.01", "7")}
    assert loads_allocation(dumps_allocation(allocation)) == allocation
    assert basis_of(allocation) == basis_of(loads_allocation(dumps_allocation(allocation)))
