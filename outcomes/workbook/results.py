"""What reading a workbook produces: accepted rows and every problem found, as plain data (pure)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: where it is, the value found (never a personal identifier) and a sentence.

    `message` is the whole sentence for the officer, place included; `reason` is the part after
    the place; `cell` is the cell reference (such as "D7") when one cell is at fault.
    """

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    reason: str = ""
    cell: str = ""


@dataclass(frozen=True, slots=True)
class ValueRow:
    """An aggregate figure: one metric, period and area ("" for none)."""

    row: int
    metric: str
    period: str
    area: str
    value: Decimal
    comment: str


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """One participant achieving one outcome.

    `pseudonym` is the 32-byte HMAC-SHA256 digest of the normalised identifier (`.hex()` gives
    64 characters); bytes rather than hex save 48 bytes a row, which matters at a million rows.
    """

    row: int
    pseudonym: bytes
    metric: str
    period: str
    area: str
    achieved_on: datetime.date


def place(sheet: str | None, row: int | None, column: str | None) -> str:
    """Name a place as the officer sees it: "Sheet Values, row 7, column Value"."""
    parts = []
    if sheet:
        parts.append(f"Sheet {sheet}")
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column}")
    return ", ".join(parts) if parts else "The workbook"


def row_error(sheet, row, column, value, reason, cell="") -> RowError:
    """Build an error whose message is the place followed by the reason."""
    if sheet is None and row is None:
        message = reason[:1].upper() + reason[1:]
    else:
        message = f"{place(sheet, row, column)}: {reason}"
    return RowError(sheet, row, column, value, message, reason, cell)


class ErrorList:
    """Collect problems up to a limit, then only count the rest."""

    def __init__(self, limit: int):
        self.items: list[RowError] = []
        self.limit = limit
        self.dropped = 0

    def add(self, error: RowError) -> None:
        """Keep the error, or count it once the limit is reached."""
        if len(self.items) < self.limit:
            self.items.append(error)
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def sort_from(self, start: int) -> None:
        """Put the errors kept since `start` in row order (found out of order by later passes)."""
        self.items[start:] = sorted(self.items[start:], key=lambda e: e.row or 0)

    def finished(self) -> tuple[RowError, ...]:
        """Return the errors, with a last line counting those left out."""
        if not self.dropped:
            return tuple(self.items)
        rest = row_error(
            None,
            None,
            None,
            None,
            f"{self.dropped} more problems were found and are not listed; fix those above "
            "and upload the file again to see the rest.",
        )
        return (*self.items, rest)
