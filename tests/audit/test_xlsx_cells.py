"""sib.xlsx writes any text that could start a formula as plain text."""

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from sib.xlsx import MAX_CELL_TEXT, add_table_sheet, new_workbook, workbook_bytes


def round_trip(values):
    workbook = new_workbook()
    add_table_sheet(workbook, "Data", ["value"], [[v] for v in values])
    data = workbook_bytes(workbook)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    return data, [sheet.cell(row, 1) for row in range(2, len(values) + 2)]


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+46 8 123 45", "-2+3", "@SUM(A1)", "\tleading tab", "\rleading return",
     '=HYPERLINK("http://evil.example")', "=cmd|' /C calc'!A0"],
)  # fmt: skip
def test_formula_like_text_is_stored_as_text(text):
    data, (cell,) = round_trip([text])
    # XML reads a bare carriage return back as a line feed; the text is otherwise as written
    assert (cell.value, cell.data_type) == (text.replace("\r", "\n"), "s")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (Decimal("-1500.25"), -1500.25),  # numbers stay numbers, negative ones too
        ("plain text", "plain text"),
        (datetime(2027, 1, 1, 12, tzinfo=UTC), datetime(2027, 1, 1, 12)),  # naive UTC
        ({"b": 1, "a": 2}, '{"a": 2, "b": 1}'),
        (None, None),
    ],
)
def test_other_values_keep_their_type(value, stored):
    _, (cell,) = round_trip([value])
    assert cell.value == stored


def test_text_longer_than_a_cell_is_cut_and_says_so():
    _, (cell,) = round_trip(["x" * (MAX_CELL_TEXT + 10)])
    assert len(cell.value) == MAX_CELL_TEXT
    assert cell.value.endswith("holds]")


def test_sheet_titles_are_made_acceptable_to_excel():
    workbook = new_workbook()
    add_table_sheet(workbook, "Events: contract/version [all] and a very long name", ["a"], [])
    assert workbook.sheetnames == ["Events_ contract_version _all_ "]
