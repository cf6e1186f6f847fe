"""The contract's outcome template: instructions, Values, Participants and drop-down lists (pure).

Every string that reaches a cell goes through `put`, which keeps text that starts like a formula
(= + - @, tab or CR) as text, so a metric named "=cmd" can never run in the officer's Excel.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from outcomes.workbook.catalogue import Catalogue
from outcomes.workbook.headers import (
    ACHIEVED_ON,
    AREA,
    COMMENT,
    METRIC,
    PARTICIPANT,
    PERIOD,
    VALUE,
)
from outcomes.workbook.instructions import instruction_lines
from outcomes.workbook.sheetscan import column_letters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
#: Rows prepared with lookup formulas and formats; officers may write below them too.
PREPARED_ROWS = 1000
LAST_ROW = 1_048_576
NAME = "Metric name / Måttnamn"
UNIT = "Unit / Enhet"
VALUES_COLUMNS = (
    METRIC.header,
    NAME,
    UNIT,
    PERIOD.english,
    AREA.header,
    VALUE.header,
    COMMENT.header,
)
PARTICIPANT_COLUMNS = (
    PARTICIPANT.header,
    METRIC.header,
    NAME,
    PERIOD.english,
    ACHIEVED_ON.header,
    AREA.header,
)


def put(sheet: Worksheet, row: int, column: int, value):
    """Write a cell; a string that starts like a formula is stored as plain text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def template_bytes(catalogue: Catalogue) -> bytes:
    """Write the contract's template workbook and return the .xlsx bytes."""
    book = Workbook()
    _instructions(book.active, catalogue)
    lists = _lists(book.create_sheet("Lists"), catalogue)
    _values(book.create_sheet("Values", 1), lists)
    _participants(book.create_sheet("Participants", 2), lists, catalogue)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(sheet: Worksheet, catalogue: Catalogue) -> None:
    sheet.title = "Instructions"
    for row, (text, bold) in enumerate(instruction_lines(catalogue), start=1):
        put(sheet, row, 1, text).font = Font(bold=bold)
    sheet.column_dimensions["A"].width = 120
    for cell in sheet["A"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


class _Lists:
    """Where the drop-down lists sit on the Lists sheet."""

    def __init__(self, aggregate: int, participant: int, periods: int, areas: int):
        self.aggregate_codes = f"Lists!$A$2:$A${1 + aggregate}" if aggregate else ""
        first = 2 + aggregate
        last = first + participant - 1
        self.participant_codes = f"Lists!$A${first}:$A${last}" if participant else ""
        self.metric_table = f"Lists!$A$2:$C${max(last, 2)}"
        self.periods = f"Lists!$F$2:$F${1 + periods}" if periods else ""
        self.areas = f"Lists!$J$2:$J${1 + areas}" if areas else ""


def _lists(sheet: Worksheet, catalogue: Catalogue) -> _Lists:
    metrics = sorted(catalogue.metrics, key=lambda m: m.participant_level)
    _table(
        sheet,
        1,
        ("Code / Kod", "Name / Namn", "Unit / Enhet", "Level / Nivå"),
        [
            (m.code, m.name, m.unit, "participant" if m.participant_level else "aggregate")
            for m in metrics
        ],
    )
    _table(
        sheet,
        6,
        ("Period", "Starts / Börjar", "Ends / Slutar"),
        [(p.label, p.starts_on.isoformat(), p.ends_on.isoformat()) for p in catalogue.periods],
    )
    _table(sheet, 10, ("Area / Område",), [(a,) for a in catalogue.areas])
    aggregate = sum(1 for m in metrics if not m.participant_level)
    return _Lists(aggregate, len(metrics) - aggregate, len(catalogue.periods), len(catalogue.areas))


def _table(sheet: Worksheet, first_column: int, headers, rows) -> None:
    for offset, header in enumerate(headers):
        put(sheet, 1, first_column + offset, header).font = BOLD
        sheet.column_dimensions[column_letters(first_column + offset - 1)].width = 24
    for row, values in enumerate(rows, start=2):
        for offset, value in enumerate(values):
            put(sheet, row, first_column + offset, value)


def _header(sheet: Worksheet, columns, widths) -> None:
    for index, (title, width) in enumerate(zip(columns, widths, strict=True), start=1):
        put(sheet, 1, index, title).font = BOLD
        sheet.column_dimensions[column_letters(index - 1)].width = width
    sheet.freeze_panes = "A2"


def _values(sheet: Worksheet, lists: _Lists) -> None:
    _header(sheet, VALUES_COLUMNS, (16, 36, 12, 12, 18, 14, 40))
    _lookups(sheet, code="A", name="B", unit="C", table=lists.metric_table)
    _drop_down(sheet, "A", lists.aggregate_codes, "Choose a metric code from the list.")
    _drop_down(sheet, "D", lists.periods, "Choose a period from the list.")
    _drop_down(sheet, "E", lists.areas, "Choose an area, or leave empty.")


def _participants(sheet: Worksheet, lists: _Lists, catalogue: Catalogue) -> None:
    _header(sheet, PARTICIPANT_COLUMNS, (22, 16, 36, 12, 22, 18))
    _lookups(sheet, code="B", name="C", unit=None, table=lists.metric_table)
    for row in range(2, PREPARED_ROWS + 2):
        # Identity numbers as text keep their leading zeros; dates show as ISO.
        sheet[f"A{row}"].number_format = "@"
        sheet[f"E{row}"].number_format = "yyyy-mm-dd"
    _drop_down(sheet, "B", lists.participant_codes, "Choose a metric code from the list.")
    _drop_down(sheet, "D", lists.periods, "Choose a period from the list.")
    _drop_down(sheet, "F", lists.areas, "Choose an area, or leave empty.")
    if catalogue.periods:
        first, last = catalogue.periods[0].starts_on, catalogue.periods[-1].ends_on
        rule = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({first.year},{first.month},{first.day})",
            formula2=f"DATE({last.year},{last.month},{last.day})",
            error="The date must fall within the contract's periods (write it as 2027-03-01).",
            showErrorMessage=True,
        )
        rule.add(f"E2:E{LAST_ROW}")
        sheet.add_data_validation(rule)


def _lookups(sheet: Worksheet, *, code: str, name: str, unit: str | None, table: str) -> None:
    # The name and unit appear beside the code the officer picks; the reader ignores them.
    for row in range(2, PREPARED_ROWS + 2):
        key = f"{code}{row}"
        sheet[f"{name}{row}"] = f'=IF({key}="","",IFERROR(VLOOKUP({key},{table},2,FALSE),"?"))'
        if unit:
            sheet[f"{unit}{row}"] = f'=IF({key}="","",IFERROR(VLOOKUP({key},{table},3,FALSE),"?"))'


def _drop_down(sheet: Worksheet, column: str, source: str, prompt: str) -> None:
    if not source:
        return
    rule = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        error=prompt,
        prompt=prompt,
    )
    rule.add(f"{column}2:{column}{LAST_ROW}")
    sheet.add_data_validation(rule)
