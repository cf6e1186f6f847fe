"""Money: minor units, the one rounding point, the largest-remainder split and formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contracts.engine.money import (
    D,
    format_amount,
    format_decimal,
    minor_unit,
    split,
    to_minor,
)


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("SEK", 2),
        ("EUR", 2),
        ("USD", 2),
        ("GBP", 2),
        ("NOK", 2),
        ("DKK", 2),
        ("CHF", 2),
        ("JPY", 0),
        ("ISK", 0),
        ("KRW", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("JOD", 3),
        ("OMR", 3),
        ("TND", 3),
        ("PLN", 2),  # not listed: the usual two decimals
    ],
)
def test_each_currency_has_its_iso_4217_minor_unit(currency, exponent):
    assert minor_unit(currency) == exponent


@pytest.mark.parametrize(
    ("amount", "currency", "mode", "expected"),
    [
        ("2.345", "SEK", "half_up", "2.35"),  # a half rounds away from zero
        ("2.345", "SEK", "half_even", "2.34"),  # a half rounds to the even 4
        ("2.355", "SEK", "half_even", "2.36"),  # ... and to the even 6
        ("-2.345", "SEK", "half_up", "-2.35"),  # away from zero below zero too
        ("2.5", "JPY", "half_up", "3"),
        ("2.5", "JPY", "half_even", "2"),
        ("1.0005", "KWD", "half_up", "1.001"),
        ("1.0004", "KWD", "half_up", "1.000"),
    ],
)
def test_to_minor_rounds_once_with_the_contracts_mode(amount, currency, mode, expected):
    assert to_minor(D(amount), currency, mode) == Decimal(expected)
    assert str(to_minor(D(amount), currency, mode)) == expected


@pytest.mark.parametrize(
    ("total", "shares", "exponent", "expected"),
    [
        # 100.00 in thirds: 33.333.. each; the one cent left goes to the first listed.
        (
            "100.00",
            [("a", "1"), ("b", "1"), ("c", "1")],
            2,
            {"a": "33.34", "b": "33.33", "c": "33.33"},
        ),
        # 10.00 at 0.45/0.25/0.30: exact, nothing left over.
        (
            "10.00",
            [("a", "0.45"), ("b", "0.25"), ("c", "0.30")],
            2,
            {"a": "4.50", "b": "2.50", "c": "3.00"},
        ),
        # 0.05 at 0.45/0.25/0.30: exact 0.0225, 0.0125, 0.015 -> floors 2, 1, 1 cent;
        # remainders .25, .25, .5 -> the last cent to c.
        (
            "0.05",
            [("a", "0.45"), ("b", "0.25"), ("c", "0.30")],
            2,
            {"a": "0.02", "b": "0.01", "c": "0.02"},
        ),
        # 7 yen by weights 1:1: 3.5 each, the tie goes to a.
        ("7", [("a", "1"), ("b", "1")], 0, {"a": "4", "b": "3"}),
        # A negative total mirrors the positive split: -100.00 in thirds.
        (
            "-100.00",
            [("a", "1"), ("b", "1"), ("c", "1")],
            2,
            {"a": "-33.34", "b": "-33.33", "c": "-33.33"},
        ),
        # A zero weight takes nothing.
        ("1.00", [("a", "0"), ("b", "1")], 2, {"a": "0.00", "b": "1.00"}),
    ],
)
def test_split_uses_the_largest_remainder_with_ties_to_the_first_listed(
    total, shares, exponent, expected
):
    parts = split(D(total), [(k, D(w)) for k, w in shares], exponent)
    assert {k: str(v) for k, v in parts.items()} == expected
    assert sum(parts.values()) == D(total)


@pytest.mark.parametrize(
    ("amount", "exponent", "expected"),
    [("1000000", 2, "1000000.00"), ("-0", 2, "0.00"), ("12", 0, "12"), ("1.5", 3, "1.500")],
)
def test_amounts_are_written_with_exactly_the_minor_unit_decimals(amount, exponent, expected):
    assert format_amount(D(amount), exponent) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("5.50", "5.5"),
        ("1E+6", "1000000"),
        ("0.000", "0"),
        ("-0", "0"),
        ("-2.50", "-2.5"),
        ("1E-7", "0.0000001"),
        # 100/3 to 40 digits is written to 28 significant digits.
        ("33.33333333333333333333333333333333333333", "33.33333333333333333333333333"),
        # The 28th digit rounds half even: ...5 followed by nothing rounds to even.
        ("1.0000000000000000000000000025", "1.000000000000000000000000002"),
    ],
)
def test_measures_are_written_plainly(number, expected):
    assert format_decimal(Decimal(number)) == expected


def test_money_is_never_built_from_a_float():
    with pytest.raises(TypeError):
        D(0.1)
