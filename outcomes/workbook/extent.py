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
from operator import itemgetter

from outcomes.workbook.identity import mask_sheet_name
from outcomes.workbook.limits import Limits, OutOfBoundsError

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)")
#: What Excel writes: `<c r="A1" ...>`. XML also allows a namespace prefix, single quotes,
#: spaces around `=` and other white space; a piece holding any of that (or text that merely
#: looks like it) is read with the thorough patterns, which are several times slower.
_UNUSUAL = (b"='", b" =", b"= ", b"\t", b"\n", b"\r", b":c ", b":c>", b":c/")
_PLAIN_WITHOUT_PLACE = re.compile(rb"<c(?=[ >/])(?![^>]* r=)")
_PLAIN_REF = re.compile(rb' r="([A-Za-z]+)(\d+)"')
_PLAIN_SUSPECT = rb' r="(?=[A-Za-z]{%d}|[A-Za-z]+\d{%d})([A-Za-z]+)(\d+)"'
#: A cell that gives no place (no r attribute): it follows the one before it.
_CELL_WITHOUT_PLACE = re.compile(rb"<(?:\w+:)?c(?=[\s>/])(?![^>]*(?<![\w:.-])r\s*=)")
#: The r attribute itself, not x:r or xr (readers ignore those).
_ATTR_R = rb"(?<![\w:.-])r\s*=\s*[\"']"
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?" + _ATTR_R + rb"([A-Za-z]+)(\d+)[\"']")
_SUSPECT = rb"<(?:\w+:)?c\b[^>]*?" + _ATTR_R + rb"(?=[A-Za-z]{%d}|[A-Za-z]+\d{%d})([A-Za-z]+)(\d+)"
_ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_ATTRS = re.compile(rb"<(?:\w+:)?c\b([^>]*?)/?>")
_R_ATTR = re.compile(_ATTR_R + rb"([A-Za-z]*)(\d*)[\"']")
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

    def __init__(self, sheet: str, limits: Limits, *, exact: bool = True):
        """With `exact`, measure the sheet (last row and column, cells); else only check it.

        Measuring costs a pass over every cell reference; checking looks only at references
        long enough to be out of bounds, and suits files too large for calamine anyway.
        """
        self.sheet, self.limits, self.exact = sheet, limits, exact
        self.max_row = max(limits.max_rows_per_sheet, EXCEL_ROWS)
        self.last_row = self.last_column = self.cells = 0
        self._row = 0
        self._dimension_seen = False
        #: A declared dimension out of bounds, reported at the end unless a cell is out first.
        self._declared: OutOfBoundsError | None = None
        # References long enough to be out of bounds: as many letters as the last column has,
        # or as many digits as the last row.
        lengths = (len(letters_of(limits.max_columns)), len(str(self.max_row)))
        self._suspects = (re.compile(_PLAIN_SUSPECT % lengths), re.compile(_SUSPECT % lengths))

    def feed(self, text: bytes) -> None:
        """Check one piece of the sheet: its declared dimension, then every row and cell."""
        if not self._dimension_seen:
            self._check_dimension(text)
        plain = not any(mark in text for mark in _UNUSUAL)
        without_place = _PLAIN_WITHOUT_PLACE if plain else _CELL_WITHOUT_PLACE
        if without_place.search(text):
            self._walk(text)  # some cells follow the one before: place them in order
            return
        if self.exact:
            self._measure(text, _PLAIN_REF if plain else _CELL_REF)
        else:
            for found in self._suspects[0 if plain else 1].finditer(text):
                self._note(int(found.group(2)), column_number(found.group(1)), found.group(1))
        self._remember_last_row(text)

    def _remember_last_row(self, text: bytes) -> None:
        # A later row without r="..." follows this one.
        at = max(text.rfind(b"<row"), text.rfind(b":row "))
        if at >= 0:
            place = _R_ATTR.search(text, at, text.find(b">", at) + 1)
            if place and place.group(2):
                self._row = int(place.group(2))

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
        last = declared.rsplit(":", 1)[-1].replace("$", "").upper()
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

    def _measure(self, text: bytes, pattern: re.Pattern) -> None:
        refs = pattern.findall(text)
        if not refs:
            return
        letters = max(set(map(itemgetter(0), refs)), key=lambda c: (len(c), c.upper()))
        last_row = max(map(int, map(itemgetter(1), refs)))
        last_column = column_number(letters)
        if self._is_out(last_row, last_column):
            self._walk(text)  # to name the first cell that is too far out
        self.cells += len(refs)
        self.last_row = max(self.last_row, last_row)
        self.last_column = max(self.last_column, last_column)

    def _walk(self, text: bytes) -> None:
        for row in _ROW_ELEMENT.finditer(text):
            place = _R_ATTR.search(row.group(1))
            self._row = int(place.group(2)) if place and place.group(2) else self._row + 1
            self._note(self._row, 0, b"")
            column = 0
            for cell in _CELL_ATTRS.finditer(row.group(2) or b""):
                self.cells += 1
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
