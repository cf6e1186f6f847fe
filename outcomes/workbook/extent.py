"""How far each sheet reaches, read from its XML before any reader allocates it (pure).

calamine allocates the whole rectangle from A1 to a sheet's last cell: one number in cell
XFD1048576 asks for 550 GB and aborts the process. A declared dimension may promise as much to a
reader that trusts it. So each sheet's declared dimension and the place of every cell (and row)
are checked against the limits while the sheet XML streams past, and the fast reader is only
given workbooks whose sheets' rectangles are small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from outcomes.workbook.identity import mask_sheet_name
from outcomes.workbook.limits import Limits, OutOfBoundsError

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]+)\d+"')
_CELL_ROW = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Za-z]+(\d+)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_ATTRS = re.compile(rb"<(?:\w+:)?c\b([^>]*?)/?>")
_R_ATTR = re.compile(rb'\br="([A-Za-z]*)(\d*)"')
_REF = re.compile(r"([A-Za-z]{1,7})(\d{1,9})")
#: The rows an Excel sheet has. A cell further down was not written by a spreadsheet; a sheet
#: with more data rows than the limit is refused by the row count (413) as it is read.
EXCEL_ROWS = 1_048_576


@dataclass(frozen=True, slots=True)
class SheetExtent:
    """The last row and column any cell of a sheet sits in (1-based), and how many cells it has."""

    last_row: int = 0
    last_column: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        """Cells in the rectangle from A1 to the last row and column: what calamine allocates."""
        return self.last_row * self.last_column


def column_number(letters: str | bytes) -> int:
    """Turn column letters into a 1-based number (A is 1, XFD is 16384)."""
    number = 0
    # calamine reads lower-case references too (z3 is Z3), so they count the same.
    for letter in (letters.decode() if isinstance(letters, bytes) else letters).upper():
        number = number * 26 + ord(letter) - 64
    return number


def letters_of(number: int) -> str:
    """Turn a 1-based column number into letters."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class ExtentCollector:
    """Fed a sheet's XML in pieces that end between rows; refuses the first cell too far out."""

    def __init__(self, sheet: str, limits: Limits):
        self.sheet, self.limits = sheet, limits
        self.max_row = max(limits.max_rows_per_sheet, EXCEL_ROWS)
        self.last_row = self.last_column = self.cells = 0
        self._row = 0
        self._dimension_seen = False
        #: A declared dimension out of bounds, reported at the end unless a cell is out first.
        self._declared: OutOfBoundsError | None = None

    def feed(self, text: bytes) -> None:
        """Check one piece of the sheet: its declared dimension, then every row and cell."""
        if not self._dimension_seen:
            self._check_dimension(text)
        cells = len(_CELL_TAG.findall(text))
        columns = _CELL_COLUMN.findall(text)
        rows = _ROW_NUMBER.findall(text)
        if len(columns) < cells or len(rows) < len(_ROW_TAG.findall(text)):
            # Some rows or cells give no place: they follow the one before, so walk them in order.
            self._walk(text)
        else:
            self._explicit(text, columns, rows)
        self.cells += cells

    def finished(self) -> SheetExtent:
        """The sheet's extent once all of it has been fed."""
        if self._declared is not None:
            raise self._declared
        return SheetExtent(self.last_row, self.last_column, self.cells)

    def _check_dimension(self, text: bytes) -> None:
        found = _DIMENSION.search(text)
        if found is None:
            self._dimension_seen = b"<sheetData" in text or b":sheetData" in text
            return
        self._dimension_seen = True
        declared = found.group(1).decode("ascii", "replace")
        last = declared.rsplit(":", 1)[-1].replace("$", "")
        match = _REF.fullmatch(last)
        if match is None:
            return  # readers ignore a dimension they cannot read; so may we
        row, column = int(match.group(2)), column_number(match.group(1))
        if self._is_out(row, column):
            self._declared = OutOfBoundsError(
                f"Sheet {self._name()} declares its used range as {declared}: "
                f"{self._beyond(row, column)}",
                sheet=self._name(),
                cell=last,
            )

    def _explicit(self, text: bytes, columns: list[bytes], rows: list[bytes]) -> None:
        last_row = max(map(int, rows)) if rows else 0
        last_column = 0
        if columns:
            last_row = max(last_row, *map(int, _CELL_ROW.findall(text)))
            last_column = column_number(max(set(columns), key=lambda c: (len(c), c.upper())))
        if self._is_out(last_row, last_column):
            self._walk(text)  # to name the first cell that is too far out
        self.last_row = max(self.last_row, last_row)
        self.last_column = max(self.last_column, last_column)
        if rows:
            self._row = int(rows[-1])

    def _walk(self, text: bytes) -> None:
        for row in _ROW_ELEMENT.finditer(text):
            place = _R_ATTR.search(row.group(1))
            self._row = int(place.group(2)) if place and place.group(2) else self._row + 1
            self._note(self._row, 0, b"")
            column = 0
            for cell in _CELL_ATTRS.finditer(row.group(2) or b""):
                place = _R_ATTR.search(cell.group(1))
                if place and place.group(1):
                    column = column_number(place.group(1))
                    self._note(int(place.group(2) or self._row), column, place.group(1))
                else:
                    column += 1
                    self._note(self._row, column, b"")

    def _note(self, row: int, column: int, letters: bytes) -> None:
        if self._is_out(row, column):
            cell = f"{letters.decode().upper() if letters else letters_of(max(column, 1))}{row}"
            raise OutOfBoundsError(
                f"Sheet {self._name()}, cell {cell}: the sheet uses cells up to {cell}; "
                f"{self._beyond(row, column)}",
                sheet=self._name(),
                cell=cell,
            )
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)

    def _is_out(self, row: int, column: int) -> bool:
        return row > self.max_row or column > self.limits.max_columns

    def _beyond(self, row: int, column: int) -> str:
        most = self.limits.max_columns
        if column > most:
            where = (
                f"column {letters_of(column)} is past {letters_of(most)}, the last of the "
                f"{most:,} columns an outcome workbook may use"
            )
        else:
            where = f"row {row:,} is past the {self.max_row:,} rows a sheet may have"
        return (
            f"{where}. Delete everything to the right of and below your table (select those "
            "rows and columns, right-click, Delete), save, and upload the file again."
        )

    def _name(self) -> str:
        return mask_sheet_name(self.sheet)
