"""Excel exports: formatted table sheets whose text can never run as a formula.

Every workbook the service hands out is written through `write_cell`, so a value someone typed
(a reason, a name, a file name) that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
is stored as text, never as a formula (CSV/formula injection).
"""

import io
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: characters; the most one Excel cell holds (longer text is cut, and says so)
MAX_CELL_TEXT = 32_767
TRUNCATED = " [cut: longer than an Excel cell holds]"
#: characters; the widest a column is made to fit its content
MAX_COLUMN_WIDTH = 60
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
_FORBIDDEN_IN_TITLES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would read this text as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_value(value: object):
    """A value openpyxl can store: datetimes as naive UTC, structures as JSON text."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.replace(tzinfo=None)
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
    if value is None or isinstance(value, str | int | Decimal | date | bool):
        return value
    return str(value)


def write_cell(cell: Cell, value: object) -> Cell:
    """Store a value in a cell; formula-like text is kept as text."""
    value = cell_value(value)
    cell.value = value
    if is_formula_like(value):
        # openpyxl has just typed it "f" (formula): force a plain string, shown as typed.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def sheet_title(title: str) -> str:
    """A title Excel accepts: no []:*?/\\ and at most 31 characters."""
    return title.translate(_FORBIDDEN_IN_TITLES)[:31] or "Sheet"


def add_table_sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> Worksheet:
    """Add a sheet holding one table: bold header row, frozen, filterable, columns fitted."""
    sheet = workbook.create_sheet(sheet_title(title))
    widths = [len(header) for header in headers]
    for column, header in enumerate(headers, start=1):
        cell = write_cell(sheet.cell(row=1, column=column), header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = write_cell(sheet.cell(row=row_number, column=column), value)
            widths[column - 1] = max(widths[column - 1], _display_length(cell.value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_COLUMN_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 1)}"
    return sheet


def _display_length(value) -> int:
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    return len(str(value)) if value is not None else 0


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed: every sheet is added as a table)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
