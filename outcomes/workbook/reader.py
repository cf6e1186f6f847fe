"""One row reader, two backends: python-calamine for small files, openpyxl streaming above (pure).

calamine is several times faster but holds a whole sheet in memory; openpyxl's read-only mode
streams in near-constant memory. Which one reads a file is chosen by its size
(`Limits.fast_reader_max_bytes`); both yield the same rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Protocol

import openpyxl
from python_calamine import CalamineWorkbook

from outcomes.workbook.limits import DamagedWorkbookError, Limits

#: A row: sheet name, 1-based row number, cell values from column A (None or "" when empty).
Row = tuple[str, int, "list | tuple"]


class WorkbookReader(Protocol):
    """What every backend offers."""

    backend: str
    sheet_names: list[str]

    def rows(self, sheet: str) -> Iterator[Row]:
        """Yield the sheet's rows in order, empty ones included or not."""
        ...

    def close(self) -> None:
        """Release the workbook."""
        ...


def open_reader(data: bytes, limits: Limits, largest_area: int = 0) -> WorkbookReader:
    """Open the workbook with the backend its size calls for.

    `largest_area` is the largest rectangle from A1 to a sheet's last cell (from the XML scan):
    calamine allocates it whole, so a small file with a far-away cell is streamed instead.
    """
    try:
        if (
            len(data) <= limits.fast_reader_max_bytes
            and largest_area <= limits.fast_reader_max_cells
        ):
            return CalamineReader(data)
        return OpenpyxlReader(data)
    except Exception as exc:
        # Both libraries raise many kinds of error on malformed parts; to the officer they all
        # mean the same thing, and the guard has already refused anything dangerous.
        raise DamagedWorkbookError(
            "The workbook could not be opened; open it in Excel, save it again and upload it "
            "once more."
        ) from exc


class CalamineReader:
    """Fast reader: the Rust calamine library, one sheet held in memory at a time."""

    backend = "calamine"

    def __init__(self, data: bytes):
        self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheet_names = list(self._book.sheet_names)

    def rows(self, sheet: str) -> Iterator[Row]:
        """Yield every row of the sheet; calamine starts at row 1 but at the first used column."""
        try:
            data = self._book.get_sheet_by_name(sheet)
        except Exception as exc:
            raise _damaged(sheet) from exc
        if data.start is None:
            return
        padding = [None] * data.start[1]
        for index, values in enumerate(data.iter_rows()):
            yield sheet, index + 1, (padding + values if padding else values)

    def close(self) -> None:
        """Release the workbook."""
        self._book.close()


class OpenpyxlReader:
    """Streaming reader: openpyxl in read-only mode, cached values only, no macros."""

    backend = "openpyxl"

    def __init__(self, data: bytes):
        self._book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        self.sheet_names = list(self._book.sheetnames)

    def rows(self, sheet: str) -> Iterator[Row]:
        """Yield every row of the sheet from row 1, ignoring its declared dimensions."""
        worksheet = self._book[sheet]
        if not hasattr(worksheet, "reset_dimensions"):
            return
        # Some writers declare wrong dimensions; trusting them would drop rows.
        worksheet.reset_dimensions()
        try:
            for number, values in enumerate(
                worksheet.iter_rows(min_row=1, values_only=True), start=1
            ):
                yield sheet, number, values
        except Exception as exc:
            raise _damaged(sheet) from exc

    def close(self) -> None:
        """Release the workbook."""
        self._book.close()


def _damaged(sheet: str) -> DamagedWorkbookError:
    return DamagedWorkbookError(
        f"Sheet {sheet} could not be read; open the workbook in Excel, save it again and "
        "upload it once more."
    )
