"""A rejected workbook comes back as the officer's own file with every problem marked."""

import io

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from outcomes.workbook.annotate import annotated_workbook

#: valid identity numbers: Skatteverket's test person "Tolvan" and one with a right check digit
TOLVAN = "19121212-1212"
OTHER = "811228-9874"


def annotated(make_workbook, parse, rows, **options):
    data = make_workbook(rows, **options)
    parsed = parse(data)
    return parsed, load_workbook(io.BytesIO(annotated_workbook(data, parsed.errors)))


def test_bad_cells_are_red_with_the_reason_as_a_comment(make_workbook, parse):
    parsed, book = annotated(make_workbook, parse, [["SAFE", "2027", "", "140", ""]])
    cell = book["Values"]["D2"]
    assert cell.fill.fgColor.rgb == "FFFFC7CE"
    assert cell.comment.text == parsed.errors[0].reason
    assert cell.comment.text.startswith('"140" is over 100')
    assert book["Values"]["A2"].comment is None


def test_an_errors_sheet_lists_every_problem_with_a_link_to_its_cell(make_workbook, parse):
    parsed, book = annotated(make_workbook, parse, [["BOGUS", "2031", "", "x", ""]])
    errors = book["Errors"]
    assert book.sheetnames[0] == "Errors"
    assert [c.value for c in errors[1]] == ["Sheet", "Row", "Column", "Cell", "Problem"]
    listed = [[c.value for c in row] for row in errors.iter_rows(min_row=2)]
    places = (("Metric", "A2"), ("Period", "B2"), ("Value", "D2"))
    assert listed == [
        ["Values", 2, column, ref, error.message]
        for (column, ref), error in zip(places, parsed.errors, strict=True)
    ]
    assert errors["D2"].hyperlink.location == "'Values'!A2"


def test_two_problems_in_one_cell_share_one_comment(make_workbook, parse):
    parsed, book = annotated(
        make_workbook, parse, [["SAFE", "2027", "", "1", ""], ["SAFE", "2027", "", "2", ""]]
    )
    assert "already given on row 2" in book["Values"]["A3"].comment.text


def test_problems_without_a_cell_are_listed_without_a_link(make_workbook, parse):
    parsed, book = annotated(make_workbook, parse, [], values_header=["Metric", "Period"])
    rows = list(book["Errors"].iter_rows(min_row=2, values_only=True))
    assert rows[0][4].startswith("Sheet Values, row 1: there is no column headed Area")


def test_a_value_that_looks_like_a_formula_stays_text_in_the_errors_sheet(make_workbook, parse):
    parsed, book = annotated(make_workbook, parse, [["SAFE", "2027", "", "@x", ""]])
    problem = book["Errors"]["E2"]
    assert problem.data_type == "s"


def test_a_large_file_comes_back_as_the_errors_sheet_alone(make_workbook, parse):
    data = make_workbook([["BOGUS", "2027", "", "1", ""]])
    errors = parse(data).errors
    book = load_workbook(io.BytesIO(annotated_workbook(data, errors, max_bytes=len(data) - 1)))
    assert book.sheetnames == ["Errors"]
    assert book["Errors"]["E2"].value == errors[0].message
    assert book["Errors"]["D2"].value == "A2"


def test_macros_are_not_kept(corpus, make_workbook, parse):
    data = corpus.with_extra_part(
        make_workbook([["SAFE", "2031", "", "1", ""]]), "xl/vbaProject.bin", b"\x00macro"
    )
    out = annotated_workbook(data, parse(data).errors)
    assert b"vbaProject" not in out


def masked(data: bytes, errors=()) -> object:
    return load_workbook(io.BytesIO(annotated_workbook(data, errors, mask_identifiers=True)))


@pytest.mark.parametrize(
    ("sheet_name",   "header",                         "column"),
    [
        ("Participants", "Participant id",               "A"),
        ("Deltagare",    "PERSONNUMMER",                 "C"),
        ("Deltagarrader", "Participant id / Deltagar-id", "B"),
        ("DELTAGARE",    "deltagar id",                  "E"),
    ],
)  # fmt: skip
def test_participant_ids_are_masked_under_any_accepted_header_in_any_column(
    make_workbook, sheet_name, header, column
):
    others = ["Metric", "Period", "Date achieved", "Area"]
    index = "ABCDE".index(column)
    headers = [*others[:index], header, *others[index:]]

    def edit(book):
        sheet = book["Participants"]
        sheet.title = sheet_name
        for row in (2, 3):
            sheet[f"{column}{row}"] = (TOLVAN, "A-17")[row - 2]

    book = masked(make_workbook(None, [["EMP6", "2027", "2027-03-01", "Alby"]] * 2,
                                participants_header=headers, edit=edit))  # fmt: skip

    sheet = book[sheet_name]
    assert sheet[f"{column}1"].value == header
    # Not only identity numbers: any participant id is replaced by its row.
    assert [sheet[f"{column}{row}"].value for row in (2, 3)] == [
        "*** (rad/row 2)", "*** (rad/row 3)",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("written",                                   "kept"),
    [
        (f"Moved away: {TOLVAN}",                 "Moved away: ***"),
        ("see 811228 9874 and 200101010007",      "see *** and ***"),
        (191212121212,                            "***"),
        ("Order 12345, 57.5 %",                   "Order 12345, 57.5 %"),
        (57.5,                                    57.5),
    ],
)  # fmt: skip
def test_identity_numbers_elsewhere_are_masked_and_other_text_kept(make_workbook, written, kept):
    data = make_workbook([["SAFE", "2027", "", "57,5", written]])

    assert masked(data)["Values"]["E2"].value == kept


def test_an_officers_own_comment_loses_its_identity_numbers(make_workbook):
    def edit(book):
        book["Values"]["A2"].comment = Comment(f"Asked {OTHER} by phone", "officer")

    book = masked(make_workbook([["SAFE", "2027", "", "57,5", ""]], edit=edit))

    assert book["Values"]["A2"].comment.text == "Asked *** by phone"


def test_masked_cells_are_still_marked_red_with_their_reason(make_workbook, parse):
    data = make_workbook([], [["811228-9875", "EMP6", "2027", "2027-03-01", "Alby"]])
    errors = parse(data).errors

    cell = masked(data, errors)["Participants"]["A2"]

    assert cell.value == "*** (rad/row 2)"
    assert cell.fill.fgColor.rgb == "FFFFC7CE"
    assert "check digit is wrong" in cell.comment.text


def test_without_masking_the_officers_values_are_left_as_they_are(make_workbook):
    data = make_workbook([], [[TOLVAN, "EMP6", "2027", "2027-03-01", "Alby"]])

    book = load_workbook(io.BytesIO(annotated_workbook(data, ())))

    assert book["Participants"]["A2"].value == TOLVAN


def test_the_errors_sheet_alone_of_a_large_file_repeats_no_identity_number(make_workbook, parse):
    data = make_workbook(
        [["SAFE", "2027", "", TOLVAN, f"about {OTHER}"]],
        [["811228-9875", "EMP6", "2027", "2027-03-01", "Alby"]],
    )
    errors = parse(data).errors
    assert len(errors) == 2  # the value is no number; the identifier's check digit is wrong

    out = annotated_workbook(data, errors, max_bytes=len(data) - 1, mask_identifiers=True)

    book = load_workbook(io.BytesIO(out))
    assert book.sheetnames == ["Errors"]
    text = "\n".join(
        str(cell) for row in book["Errors"].iter_rows(values_only=True) for cell in row
    )
    assert "(identity number, not shown)" in text
    for number in (TOLVAN, "191212121212", OTHER, "811228-9875", "8112289875"):
        assert number not in text
