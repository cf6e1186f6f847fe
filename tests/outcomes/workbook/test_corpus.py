"""The bad-workbook corpus: each broken file gets a clear error naming its place, both readers."""

import datetime

import pytest

from outcomes.workbook.limits import DamagedWorkbookError, TooManyRowsError

GOOD = ["SAFE", "2027", "", "57,5", ""]
LONG = "x" * 32_767  # the most characters an Excel cell holds
TOLVAN = "19121212-1212"  # Skatteverket's test person: a valid identity number
OTHER = "811228-9874"


def values(*rows, **options):
    return lambda make: make(list(rows), **options)


def participants(*rows, **options):
    return lambda make: make(None, list(rows), **options)


def edited(edit, *rows):
    return lambda make: make(list(rows), edit=edit)


def merge(book):
    book["Values"].merge_cells("A2:A3")


def hide_row_3(book):
    book["Values"].row_dimensions[3].hidden = True


def only_sheet1(book):
    book["Values"].title = "Sheet1"


def only_notes(book):
    book["Values"].title = "Notes"
    book["Notes"].delete_rows(1, 5)
    book["Notes"]["A1"] = "Figures follow next week."


CASES = {
    # case id:            (builder, sheet, row, column, what the sentence says)
    "missing sheet":      (edited(only_notes, GOOD), None, None, None,
                           "neither a Values nor a Participants sheet"),
    "renamed data sheet": (edited(only_sheet1, GOOD), "Sheet1", None, None,
                           "has the header row of the Values sheet, but it is not named Values"),
    "missing column":     (values(["SAFE", "2027"], values_header=["Metric", "Period"]),
                           "Values", 1, None, "no column headed Value (Värde)"),
    "duplicated header":  (values(["SAFE", "2027", "", "1", "2"],
                                  values_header=["Metric", "Period", "Area", "Value", "Värde"]),
                           "Values", 1, None, "columns D and E are both headed Value"),
    "merged cells":       (edited(merge, GOOD, ["", "2028", "", "60", ""]),
                           "Values", 2, None, "cells A2:A3 are merged; unmerge them"),
    "hidden row":         (edited(hide_row_3, GOOD, ["SAFE", "2028", "", "60", ""]),
                           "Values", 3, None, "this row is hidden"),
    "formula, no value":  (values(["SAFE", "2027", "", "=50+7.5", ""]),
                           "Values", 2, "Value", "formula whose result was not saved"),
    "text in a number":   (values(["SAFE", "2027", "", "many", ""]),
                           "Values", 2, "Value", '"many" is not a number'),
    "decimal count":      (values(["CALLS", "2027", "Alby", "12,5", ""]),
                           "Values", 2, "Value", '"12,5" is not a whole number'),
    "negative count":     (values(["CALLS", "2027", "Alby", -3, ""]),
                           "Values", 2, "Value", '"-3" is negative'),
    "percent 140":        (values(["SAFE", "2027", "", "140 %", ""]),
                           "Values", 2, "Value", '"140 %" is over 100'),
    "percent as a count": (values(["CALLS", "2027", "Alby", "12,5 %", ""]),
                           "Values", 2, "Value", "is a percentage, but CALLS is a count"),
    "negative money":     (values(["COST", "2027", "", "-1 000,50", ""]),
                           "Values", 2, "Value", "is negative"),
    "unknown metric":     (values(["BOGUS", "2027", "", "1", ""]),
                           "Values", 2, "Metric", '"BOGUS" is not a metric of contract BOT-NAC'),
    "period outside":     (values(["SAFE", "2031", "", "1", ""]),
                           "Values", 2, "Period", '"2031" is not a period of this contract'),
    "unknown area":       (values(["CALLS", "2027", "Solna", "1", ""]),
                           "Values", 2, "Area", '"Solna" is not an area of this contract'),
    "area not used":      (values(["SAFE", "2027", "Alby", "1", ""]),
                           "Values", 2, "Area", "SAFE is not broken down by area"),
    "area missing":       (values(["CALLS", "2027", "", "1", ""]),
                           "Values", 2, "Area", "CALLS is reported per area"),
    "participant metric": (values(["EMP6", "2027", "Alby", "4", ""]),
                           "Values", 2, "Metric", "EMP6 is reported on the Participants sheet"),
    "duplicate row":      (values(GOOD, ["safe", 2027, None, 57.5, "again"]),
                           "Values", 3, "Metric", "is already given on row 2"),
    "empty value":        (values(["SAFE", "2027", "", "", "no figure yet"]),
                           "Values", 2, "Value", "the cell is empty"),
    "TRUE as a value":    (values(["SAFE", "2027", "", True, ""]),
                           "Values", 2, "Value", "is TRUE/FALSE, not a number"),
    "date as a value":    (values(["SAFE", "2027", "", datetime.date(2027, 1, 1), ""]),
                           "Values", 2, "Value", "is a date or time, not a number"),
    "32767-char comment": (values(["SAFE", "2027", "", "57", LONG]),
                           "Values", 2, "Comment", "is 32767 characters long"),
    "32767-char code":    (values([LONG, "2027", "", "57", ""]),
                           "Values", 2, "Metric", "is 32767 characters long"),
    "header only":        (values(), None, None, None, "holds no rows to submit"),
    "wrong check digit":  (participants(["811228-9873", "EMP6", "2027", "2027-03-01", "Alby"]),
                           "Participants", 2, "Participant id", "its check digit is wrong"),
    "date outside period": (participants([TOLVAN, "EMP6", "2027", "2028-01-05", "Alby"]),
                            "Participants", 2, "Date achieved", "2028-01-05 is outside period"),
    "date d/m/y text":    (participants([TOLVAN, "EMP6", "2027", "01/03/2027", "Alby"]),
                           "Participants", 2, "Date achieved", "could mean two different days"),
    "date 30 February":   (participants([TOLVAN, "EMP6", "2027", "2027-02-30", "Alby"]),
                           "Participants", 2, "Date achieved", '"2027-02-30" is not a real date'),
    "date in words":      (participants([TOLVAN, "EMP6", "2027", "March 1st", "Alby"]),
                           "Participants", 2, "Date achieved", '"March 1st" is not a date'),
    "achieved twice":     (participants([TOLVAN, "EMP6", "2027", "2027-03-01", "Alby"],
                                        ["121212-1212", "EMP6", "2028", "2028-03-01", "Fittja"]),
                           "Participants", 3, "Participant id", "already achieved EMP6 on row 2"),
    "repeated same day":  (participants([TOLVAN, "VISIT", "2027", "2027-03-01", ""],
                                        [TOLVAN, "VISIT", "2027", "2027-03-01", ""]),
                           "Participants", 3, "Participant id", "already has a row for VISIT"),
    "aggregate metric":   (participants([TOLVAN, "SAFE", "2027", "2027-03-01", ""]),
                           "Participants", 2, "Metric", "SAFE is reported on the Values sheet"),
    "empty identifier":   (participants(["", "EMP6", "2027", "2027-03-01", "Alby"]),
                           "Participants", 2, "Participant id", "the cell is empty"),
    "no date column":     (participants([TOLVAN, "EMP6", "2027"],
                                        participants_header=["Id", "Metric", "Period"]),
                           "Participants", 1, None, "no column headed Date achieved"),
}  # fmt: skip


@pytest.mark.parametrize(("build", "sheet", "row", "column", "says"), CASES.values(), ids=CASES)
def test_every_broken_workbook_is_refused_naming_the_place(
    make_workbook, parse, build, sheet, row, column, says
):
    parsed = parse(build(make_workbook))
    assert not parsed.is_valid
    found = [e for e in parsed.errors if (e.sheet, e.row, e.column) == (sheet, row, column)]
    assert any(says in e.message for e in found), [e.message for e in parsed.errors]
    if sheet and column:
        assert any(
            e.message.startswith(f"Sheet {sheet}, row {row}, column {column}: ") for e in found
        )


def test_no_error_ever_shows_an_identity_number(make_workbook, parse):
    rows = [
        ["811228-9873", "EMP6", "2027", "2027-03-01", "Alby"],  # wrong check digit
        [OTHER, "EMP6", "2027", "2027-03-01", "Alby"],
        ["198112289874", "EMP6", "2027", "2027-04-01", "Alby"],  # the same person again
        [TOLVAN, "EMP6", "2026", "nope", "Solna"],
    ]
    parsed = parse(make_workbook(None, rows))
    assert len(parsed.errors) >= 5
    for error in parsed.errors:
        shown = f"{error.message} {error.value} {error.reason}"
        for digits in ("8112289873", "9873", "9874", "1212"):
            assert digits not in shown.replace("-", "")


def test_an_identity_number_in_the_wrong_column_is_not_repeated(make_workbook, parse):
    parsed = parse(make_workbook([["811228-9874", "198112289874", "", "57", ""]]))
    assert [e.message for e in parsed.errors][:2] == [
        'Sheet Values, row 2, column Metric: "(identity number, not shown)" is not a metric of '
        "contract BOT-NAC-2027; use one of: EMP6, VISIT, SAFE, CALLS, COST.",
        'Sheet Values, row 2, column Period: "(identity number, not shown)" is not a period of '
        "this contract; use one of: 2027, 2028.",
    ]
    assert all("9874" not in f"{e.message}{e.value}" for e in parsed.errors)


def test_every_problem_is_reported_not_just_the_first(make_workbook, parse):
    # 3 bad rows x 2 bad cells each = 6 errors.
    rows = [["BOGUS", "2031", "", "1", ""]] * 3
    parsed = parse(make_workbook(rows))
    assert [(e.row, e.column) for e in parsed.errors] == [
        (2, "Metric"), (2, "Period"), (3, "Metric"), (3, "Period"), (4, "Metric"), (4, "Period"),
    ]  # fmt: skip


def test_beyond_the_error_limit_a_last_line_counts_the_rest(make_workbook, parse):
    parsed = parse(make_workbook([["BOGUS", "2027", "", "1", ""]] * 30), max_errors=10)
    assert len(parsed.errors) == 11
    assert parsed.errors[-1].message.startswith("20 more problems were found")


def test_a_sheet_over_the_row_limit_is_refused(make_workbook, parse):
    rows = [
        ["SAFE", "2027", "", "1", ""],
        ["SAFE", "2028", "", "1", ""],
        ["COST", "2027", "", 1, ""],
    ]
    with pytest.raises(TooManyRowsError, match="more than 2 rows") as caught:
        parse(make_workbook(rows), max_rows_per_sheet=2)
    assert caught.value.status == 413


def test_a_part_that_lies_about_its_size_is_damaged(corpus, make_workbook, parse):
    data = make_workbook([GOOD])
    lying = corpus.with_declared_size(data, "xl/worksheets/sheet1.xml", 100)
    with pytest.raises(DamagedWorkbookError, match="damaged"):
        parse(lying)


def test_a_million_empty_formatted_rows_are_skipped(corpus, parse, limits):
    # Header, one bad row, then 1,000,000 formatted but empty rows, as Excel writes after a
    # whole-column format: only the bad row is reported and only one row is counted.
    # The streaming reader walks the same code with 200,000 rows to keep the suite quick: it
    # needs about 25 s for a million on an idle machine (the fast reader about 2 s).
    count = 1_000_000 if limits.fast_reader_max_bytes else 200_000
    parsed = parse(corpus.empty_formatted_rows(count, ["SAFE", "2031", "", "57"]))
    assert [e.message for e in parsed.errors] == [
        'Sheet Values, row 2, column Period: "2031" is not a period of this contract; '
        "use one of: 2027, 2028."
    ]
    assert parsed.row_counts == {"Values": 1}
