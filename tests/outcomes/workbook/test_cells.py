"""Cells become exact Decimals and dates at the boundary, never floats."""

import datetime
from decimal import Decimal

import pytest

from outcomes.workbook.cells import CellError, exact, to_date, to_number, to_text


@pytest.mark.parametrize(
    ("cell",            "expected",             "percent"),
    [
        (12,              Decimal("12"),          False),
        (12.0,            Decimal("12"),          False),
        (12.5,            Decimal("12.5"),        False),
        (0.1 + 0.2,       Decimal("0.3"),         False),  # Excel shows 15 digits: 0.3
        (1234567.8900000001, Decimal("1234567.89"), False),
        (0.07,            Decimal("0.07"),        False),  # not the binary 0.0700000000000000066
        (2**53,           Decimal("9007199254740992"), False),  # integers stay exact
        ("12,5",          Decimal("12.5"),        False),
        ("12.5",          Decimal("12.5"),        False),
        (" 1 234,50 ",    Decimal("1234.50"),     False),  # space as thousands separator
        ("1\u00a0234",    Decimal("1234"),        False),  # no-break space
        ("1.234.567,8",   Decimal("1234567.8"),   False),
        ("1,234,567.8",   Decimal("1234567.8"),   False),
        ("\u221212",      Decimal("-12"),         False),  # Unicode minus sign
        ("57,5 %",        Decimal("57.5"),        True),
        ("57.5%",         Decimal("57.5"),        True),
    ],
)  # fmt: skip
def test_numbers_become_exact_decimals(cell, expected, percent):
    number = to_number(cell)
    assert number.value == expected
    assert isinstance(number.value, Decimal)
    assert number.percent is percent


def test_a_percent_formatted_cell_reads_as_the_percentage_shown():
    # Excel stores 57.5 % as 0.575; the officer saw 57.5, so 0.575 * 100 = 57.5.
    number = to_number(0.575, percent_format=True)
    assert number == type(number)(Decimal("57.5"), True)


@pytest.mark.parametrize("cell", ["abc", "1e5", "12,5,3", "NaN", "Infinity", "", "12 apples"])
def test_text_that_is_not_a_number_is_refused(cell):
    with pytest.raises(CellError, match="not a number"):
        to_number(cell)


@pytest.mark.parametrize("cell", [True, datetime.date(2027, 1, 1), datetime.time(12, 0)])
def test_booleans_and_dates_are_not_numbers(cell):
    with pytest.raises(CellError):
        to_number(cell)


def test_infinite_floats_are_refused():
    with pytest.raises(CellError):
        exact(float("inf"))


@pytest.mark.parametrize(
    ("cell",                               "expected"),
    [
        (datetime.date(2027, 3, 1),          datetime.date(2027, 3, 1)),
        (datetime.datetime(2027, 3, 1, 14),  datetime.date(2027, 3, 1)),
        ("2027-03-01",                       datetime.date(2027, 3, 1)),
        ("2027-3-1",                         datetime.date(2027, 3, 1)),
        ("2027-03-01T00:00:00",              datetime.date(2027, 3, 1)),
        ("2027-03-01 00:00",                 datetime.date(2027, 3, 1)),
        ("20270301",                         datetime.date(2027, 3, 1)),
        ("2027/03/01",                       datetime.date(2027, 3, 1)),
        ("01.03.2027",                       datetime.date(2027, 3, 1)),
        ("1 mars 2027",                      datetime.date(2027, 3, 1)),
        ("1 March 2027",                     datetime.date(2027, 3, 1)),
        (46447,                              datetime.date(2027, 3, 1)),  # Excel serial number
        (20270301,                           datetime.date(2027, 3, 1)),
    ],
)  # fmt: skip
def test_dates_are_read_from_excel_dates_and_common_text(cell, expected):
    assert to_date(cell) == expected


@pytest.mark.parametrize(
    ("cell",          "reason"),
    [
        ("01/03/2027",  "could mean two different days"),
        ("3/1/27",      "could mean two different days"),
        ("2027-13-01",  "not a real date"),
        ("2027-02-30",  "not a real date"),
        ("first of March", "not a date"),
        ("1 smarch 2027", "not a date"),
        (12.5,          "not a date"),
        (5,             "not a date"),
        (True,          "not a date"),
        (datetime.time(9, 30), "time of day"),
    ],
)  # fmt: skip
def test_dates_that_cannot_be_read_say_why(cell, reason):
    with pytest.raises(CellError, match=reason):
        to_date(cell)


@pytest.mark.parametrize(
    ("cell",                         "expected"),
    [
        (None,                         ""),
        ("  EMP6 ",                    "EMP6"),
        (2027.0,                       "2027"),
        (2027,                         "2027"),
        (datetime.datetime(2027, 1, 1), "2027-01-01"),
        (True,                         "TRUE"),
    ],
)  # fmt: skip
def test_cells_read_as_text_look_as_the_officer_typed_them(cell, expected):
    assert to_text(cell) == expected
