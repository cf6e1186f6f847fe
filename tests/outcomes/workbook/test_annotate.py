"""A rejected workbook comes back as the officer's own file with every problem marked."""

import io

from openpyxl import load_workbook

from outcomes.workbook.annotate import annotated_workbook


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
