"""parse_workbook reads, checks and pseudonymises a good workbook the same way on both readers."""

import dataclasses
import datetime
import hashlib
import hmac
from decimal import Decimal

import pytest

from outcomes.workbook.limits import Limits
from outcomes.workbook.parse import parse_workbook
from outcomes.workbook.results import ParticipantRow, ValueRow

KEY = b"test-key-not-a-secret"
TOLVAN = "19121212-1212"


def pseudonym(ten_digits: str) -> bytes:
    return hmac.new(KEY, ten_digits.encode(), hashlib.sha256).digest()


def test_aggregate_values_become_decimals_with_the_contracts_spelling(make_workbook, parse):
    parsed = parse(make_workbook([
        ["safe",  "2027", None,   "57,5",   "survey"],
        ["CALLS", 2027,   "alby", 12,       None],
        ["COST",  "2028", "",     "1 250 000,50", ""],
    ]))  # fmt: skip
    assert parsed.errors == ()
    assert parsed.values == (
        ValueRow(2, "SAFE", "2027", "", Decimal("57.5"), "survey"),
        ValueRow(3, "CALLS", "2027", "Alby", Decimal("12"), ""),
        ValueRow(4, "COST", "2028", "", Decimal("1250000.50"), ""),
    )
    assert all(type(v.value) is Decimal for v in parsed.values)


def test_a_percent_formatted_cell_is_read_as_the_percentage_shown(make_workbook, parse):
    def percent_format(book):
        book["Values"]["D2"].number_format = "0.0%"

    parsed = parse(make_workbook([["SAFE", "2027", "", 0.575, ""]], edit=percent_format))
    # Stored 0.575, shown 57.5 %: 0.575 x 100 = 57.5.
    assert parsed.values[0].value == Decimal("57.5")


def test_participants_are_pseudonymised_and_counted(make_workbook, parse):
    parsed = parse(make_workbook(None, [
        [TOLVAN,          "EMP6",  "2027", datetime.date(2027, 3, 1), "Alby"],
        ["811228-9874",   "emp6",  "2027", "2027-10-02",              "alby"],
        [198112289874,    "VISIT", "2028", "2028-01-05",              None],
        ["p-81f3",        "VISIT", "2028", "05.01.2028",              None],
    ]))  # fmt: skip
    assert parsed.errors == ()
    assert parsed.participants[0] == ParticipantRow(
        2, pseudonym("1212121212"), "EMP6", "2027", "Alby", datetime.date(2027, 3, 1)
    )
    # The number typed as a number links to the same person written as text.
    assert parsed.participants[2].pseudonym == pseudonym("8112289874")
    assert parsed.participants[3].pseudonym == pseudonym("p-81f3")
    assert parsed.participant_counts() == {("EMP6", "2027", "Alby"): 2, ("VISIT", "2028", ""): 2}


def test_a_repeatable_outcome_may_be_achieved_again(make_workbook, parse):
    parsed = parse(make_workbook(None, [
        [TOLVAN, "VISIT", "2027", "2027-03-01", ""],
        [TOLVAN, "VISIT", "2027", "2027-04-01", ""],
    ]))  # fmt: skip
    assert parsed.errors == ()
    assert len(parsed.participants) == 2


def test_headers_in_swedish_in_any_order_below_empty_rows(make_workbook, parse):
    def move_down(book):
        book.worksheets[0].insert_rows(1, amount=2)

    parsed = parse(make_workbook(
        [["57,5", "SAFE", "", "2027"]], values_header=["Värde", "Mått", "OMRÅDE", "period"],
        edit=move_down,
        title="Värden",
    ))  # fmt: skip
    assert parsed.errors == ()
    assert parsed.values == (ValueRow(4, "SAFE", "2027", "", Decimal("57.5"), ""),)
    assert parsed.row_counts == {"Värden": 1}


def test_extra_columns_are_ignored_and_reported(make_workbook, parse):
    parsed = parse(make_workbook(
        [["SAFE", "2027", "", "57", "", "Anna", "2027-12-01"]],
        values_header=["Metric", "Period", "Area", "Value", "Comment", "Checked by", "On"],
    ))  # fmt: skip
    assert parsed.is_valid
    assert parsed.extra_columns == (("Values", "Checked by"), ("Values", "On"))


def test_empty_rows_are_skipped_and_rows_counted_per_sheet(make_workbook, parse):
    parsed = parse(make_workbook(
        [["SAFE", "2027", "", "57", ""], [None] * 5, ["  ", "", None, "", ""],
         ["SAFE", "2028", "", "58", ""]],
        [[TOLVAN, "EMP6", "2027", "2027-03-01", "Alby"]],
    ))  # fmt: skip
    assert parsed.is_valid
    assert [v.row for v in parsed.values] == [2, 5]
    assert parsed.row_counts == {"Values": 2, "Participants": 1}


def test_a_workbook_with_macros_is_read_and_flagged(corpus, make_workbook, parse):
    data = make_workbook([["SAFE", "2027", "", "57", ""]])
    with_macros = corpus.with_extra_part(data, "xl/vbaProject.bin", b"\x00macro")
    parsed = parse(with_macros)
    assert parsed.is_valid
    assert parsed.had_macros


def test_both_readers_give_the_same_answer(catalogue, make_workbook):
    data = make_workbook(
        [["SAFE", "2027", "", "57,5", ""], ["BOGUS", "2027", "", "x", ""]],
        [[TOLVAN, "EMP6", "2027", "2027-03-01", "Alby"], ["811228-9873", "EMP6", "2027", "", ""]],
    )  # fmt: skip
    fast = parse_workbook(data, catalogue, pseudonym_key=KEY, limits=Limits())
    streamed = parse_workbook(
        data, catalogue, pseudonym_key=KEY, limits=Limits(fast_reader_max_bytes=0)
    )
    assert (fast.backend, streamed.backend) == ("calamine", "openpyxl")
    assert dataclasses.replace(fast, backend="") == dataclasses.replace(streamed, backend="")


def test_a_short_pseudonym_key_is_refused(catalogue, make_workbook):
    with pytest.raises(ValueError, match="at least 16 bytes"):
        parse_workbook(make_workbook([]), catalogue, pseudonym_key=b"")


def test_the_reader_switches_to_streaming_above_the_size_threshold(catalogue, make_workbook):
    data = make_workbook([["SAFE", "2027", "", "57", ""]])
    small = Limits(fast_reader_max_bytes=len(data))
    large = Limits(fast_reader_max_bytes=len(data) - 1)
    assert parse_workbook(data, catalogue, pseudonym_key=KEY, limits=small).backend == "calamine"
    assert parse_workbook(data, catalogue, pseudonym_key=KEY, limits=large).backend == "openpyxl"
