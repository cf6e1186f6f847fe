"""The engine's shortcuts (remembered figures, running totals) give the long way's answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

import pytest

from contracts.engine.inputs import Drawdown
from contracts.engine.interest import Position, accrued_interest
from contracts.engine.model import Investor
from contracts.engine.money import format_amount, format_decimal, split, split_pairs

SHARES = (("a", Decimal("0.6")), ("b", Decimal("0.4")))


def walked_interest(rate: Decimal, position: Position, on: dt.date) -> Decimal:
    """Interest the long way: every drawdown and every repayment, day by day to `on`."""
    day_sum = Decimal(0)
    for d in position.drawdowns:
        if d.on <= on:
            day_sum += d.amount * (on - d.on).days
    for when, paid in position.repayments:
        if when <= on:
            day_sum -= paid * (on - when).days
    return rate * day_sum / Decimal(365)


@pytest.fixture
def position():
    def make(repayments: list[tuple[str, str]]) -> Position:
        drawdowns = [
            Drawdown("fund", dt.date(2027, 1, 1), Decimal("1000000.00")),
            Drawdown("fund", dt.date(2027, 7, 1), Decimal("500000.00")),
        ]
        account = Position(Investor("fund", Decimal("2000000"), "senior"), drawdowns)
        for on, principal in repayments:
            account.receive(dt.date.fromisoformat(on), Decimal(principal), Decimal(0))
        return account

    return make


@pytest.mark.parametrize(
    ("repayments",                                                 "on"),
    [
        ([],                                                           "2027-12-31"),
        ([("2027-03-31", "1234.56")],                                  "2027-12-31"),
        ([("2027-03-31", "1234.56"), ("2027-06-30", "99999.99")],      "2027-06-30"),
        ([("2027-06-30", "99999.99"), ("2027-03-31", "1234.56")],      "2028-03-31"),
        ([("2027-03-31", "1234.56"), ("2027-09-30", "50000.00")],      "2027-06-30"),
        ([("2027-09-30", "50000.00")],                                 "2027-01-01"),
    ],
)  # fmt: skip
def test_interest_from_running_totals_equals_the_walk_over_every_repayment(
    position, repayments, on
):
    account = position(repayments)
    day = dt.date.fromisoformat(on)
    with localcontext() as ctx:
        ctx.prec = 60
        assert accrued_interest(Decimal("0.05"), account, day) == walked_interest(
            Decimal("0.05"), account, day
        )


def test_principal_drawn_is_the_same_when_asked_again(position):
    account = position([])
    assert account.drawn_by(dt.date(2027, 6, 30)) == Decimal("1000000.00")
    assert account.drawn_by(dt.date(2027, 7, 1)) == Decimal("1500000.00")
    assert account.drawn_by(dt.date(2027, 6, 30)) == Decimal("1000000.00")


@pytest.mark.parametrize(
    "total", ["100.00", "100", "1E+2", "0.01", "-7.35", "0.00", "-0.00", "123456.79"]
)
def test_split_pairs_are_the_split_in_order(total):
    pairs = split_pairs(Decimal(total), SHARES, 2)
    assert dict(pairs) == split(Decimal(total), SHARES, 2)
    assert [key for key, _ in pairs] == ["a", "b"]
    assert sum((part for _, part in pairs), Decimal(0)) == Decimal(total)


@pytest.mark.parametrize(
    ("written", "same_value"),
    [
        ("1E+2",     "100.00"),
        ("2.50",     "2.5"),
        ("-0.00",    "0"),
        ("0E-7",     "0"),
        ("1.005",    "1.0050"),
    ],
)  # fmt: skip
def test_equal_values_written_differently_are_formatted_alike(written, same_value):
    assert format_decimal(Decimal(written)) == format_decimal(Decimal(same_value))
    assert format_amount(Decimal(written), 2) == format_amount(Decimal(same_value), 2)
    assert split_pairs(Decimal(written), SHARES, 2) == split_pairs(Decimal(same_value), SHARES, 2)


def test_formatting_keeps_accepting_what_decimal_arithmetic_accepts():
    assert format_decimal(7) == "7"  # an int is written as the decimal it equals
    with pytest.raises(AttributeError):
        format_amount(7, 2)  # as before: an amount is a Decimal
