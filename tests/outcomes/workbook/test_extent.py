"""Sheets that reach too far are refused before any reader allocates them, both readers."""

import re

import pytest

from outcomes.workbook.limits import OutOfBoundsError
from tests.outcomes.workbook.hostile import rewritten

GOOD = ["SAFE", "2027", "", "57,5", ""]


def with_cell(ref: str, value=1):
    def edit(book):
        book["Values"][ref] = value

    return edit


@pytest.mark.parametrize(
    ("ref",          "says"),
    [
        ("XFD1048576", "column XFD is past AMJ, the last of the 1,024 columns"),
        ("AMK2",       "column AMK is past AMJ"),
    ],
)  # fmt: skip
def test_a_cell_past_the_last_column_is_refused_naming_it(make_workbook, parse, ref, says):
    with pytest.raises(OutOfBoundsError) as refused:
        parse(make_workbook([GOOD], edit=with_cell(ref)))

    assert (refused.value.sheet, refused.value.cell, refused.value.status) == ("Values", ref, 422)
    assert says in refused.value.message


def test_the_column_limit_is_configurable(make_workbook, parse):
    with pytest.raises(OutOfBoundsError, match="column F is past E"):
        parse(make_workbook([GOOD], edit=with_cell("F2", "note")), max_columns=5)


def test_a_declared_dimension_past_the_limits_is_refused(make_workbook, parse):
    data = make_workbook([GOOD])
    claim = b'<dimension ref="A1:XFD1048576"'
    lying = rewrite_sheet(data, lambda xml: re.sub(rb'<dimension ref="[^"]*"', claim, xml))

    with pytest.raises(OutOfBoundsError, match="declares its used range as A1:XFD1048576"):
        parse(lying)


def test_a_row_past_excels_last_row_is_refused(make_workbook, parse):
    data = make_workbook([GOOD])
    far = rewrite_sheet(
        data,
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="3000000"><c r="A3000000"><v>1</v></c></row></sheetData>'
        ),
    )

    with pytest.raises(OutOfBoundsError) as refused:
        parse(far)

    assert refused.value.cell == "A3000000"
    assert "row 3,000,000 is past the 2,000,000 rows" in refused.value.message


def test_a_lower_case_reference_counts_as_its_column(make_workbook, parse):
    # calamine reads r="xfd9" as XFD9: it must not slip past the check.
    data = make_workbook([GOOD])
    far = rewrite_sheet(
        data,
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="9"><c r="xfd9"><v>1</v></c></row></sheetData>'
        ),
    )

    with pytest.raises(OutOfBoundsError) as refused:
        parse(far)

    assert refused.value.cell == "XFD9"


def test_cells_without_places_are_placed_after_the_one_before(make_workbook, parse):
    # Some writers leave out r="..."; a cell then follows the one before it.
    data = make_workbook([GOOD])
    placeless = b"<row>" + b"<c><v>1</v></c>" * 1025 + b"</row>"
    far = rewrite_sheet(data, lambda xml: xml.replace(b"</sheetData>", placeless + b"</sheetData>"))

    with pytest.raises(OutOfBoundsError) as refused:
        parse(far)

    assert refused.value.cell == "AMK3"


def test_a_sheet_without_places_is_read_as_usual(make_workbook, parse):
    data = make_workbook([GOOD])
    bare = rewrite_sheet(data, lambda xml: re.sub(rb' r="[A-Z]*\d+"', b"", xml))

    parsed = parse(bare)

    assert parsed.errors == ()
    assert [(v.metric, v.period, str(v.value)) for v in parsed.values] == [("SAFE", "2027", "57.5")]


def test_a_small_file_with_a_far_row_is_streamed_not_read_whole(make_workbook, parse, limits):
    # calamine would allocate 1,048,576 rows x 5 columns for the one far cell: over the budget.
    parsed = parse(make_workbook([GOOD], edit=with_cell("A1048576", "end")))

    assert parsed.backend == "openpyxl"
    assert parsed.row_counts == {"Values": 2}


def rewrite_sheet(data: bytes, change) -> bytes:
    return rewritten(data, "Values", change)


@pytest.mark.parametrize(
    ("extra_row",                                                      "cell"),
    [
        (b'<row r="9"><c r="XFD9"><v>1</v></c></row>',                   "XFD9"),
        (b'<row r="9"><c r="amk9"><v>1</v></c></row>',                   "AMK9"),
        (b'<row r="2"><c r="A3000000"><v>1</v></c></row>',               "A3000000"),
        (b'<row r="9">' + b"<c><v>1</v></c>" * 1025 + b"</row>",          "AMK9"),
    ],
)  # fmt: skip
def test_a_file_too_large_to_measure_is_still_checked_cell_by_cell(
    make_workbook, parse, extra_row, cell
):
    # Past both size limits a sheet is only checked, not measured: the same cells are refused.
    end = b"</sheetData>"
    data = rewrite_sheet(make_workbook([GOOD]), lambda xml: xml.replace(end, extra_row + end))

    with pytest.raises(OutOfBoundsError) as refused:
        parse(data, fast_reader_max_bytes=0, marked_copy_max_bytes=0)

    assert refused.value.cell == cell


@pytest.mark.parametrize(
    "extra_row",
    [
        b"<row r='9'><c r='XFD9'><v>1</v></c></row>",  # single quotes
        b'<row r="9"><c r = "XFD9"><v>1</v></c></row>',  # spaces around =
        b'<row r="9"><c\n r="XFD9"><v>1</v></c></row>',  # a line break between attributes
        b'<row r="9">' + b'<c x:r="A9"><v>1</v></c>' * 1025 + b"</row>",  # x:r is not r
    ],
)
@pytest.mark.parametrize("measured", [True, False])
def test_unusual_xml_does_not_hide_a_far_cell(make_workbook, parse, extra_row, measured):
    end = b"</sheetData>"
    data = rewrite_sheet(make_workbook([GOOD]), lambda xml: xml.replace(end, extra_row + end))
    sizes = {} if measured else {"fast_reader_max_bytes": 0, "marked_copy_max_bytes": 0}

    with pytest.raises(OutOfBoundsError):
        parse(data, **sizes)
