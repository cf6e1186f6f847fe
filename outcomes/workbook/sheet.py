"""Walking a data sheet: header row, sheet-level problems, then its non-empty rows (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from outcomes.workbook.cells import is_empty, to_text
from outcomes.workbook.headers import SheetSpec, match_headers
from outcomes.workbook.identity import mask_sheet_name, mask_text
from outcomes.workbook.limits import Limits, TooManyRowsError
from outcomes.workbook.results import ErrorList, row_error
from outcomes.workbook.sheetscan import SheetFacts, column_letters

#: How much of a bad value an error message repeats.
SHOWN_CHARS = 60
NOT_SHOWN = "(identity number, not shown)"


@dataclass(slots=True)
class Sheet:
    """A data sheet whose header was understood."""

    name: str
    spec: SheetSpec
    facts: SheetFacts
    #: Column key -> 0-based position, in the spec's column order.
    positions: dict[str, int]
    #: Column key -> the header as the officer wrote it (first half of a bilingual header).
    headers: dict[str, str]
    extras: tuple[str, ...]
    errors: ErrorList
    rows_read: int = 0

    def error(self, row: int | None, key: str | None, raw, reason: str, *, quote=True) -> None:
        """Record a problem in one cell (or the whole row when key is None).

        With `quote`, the sentence starts with the value found: '"12,5 %" is not a count'.
        """
        column = self.headers.get(key) if key else None
        cell = f"{column_letters(self.positions[key])}{row}" if key and row else ""
        shown = None if is_empty(raw) else shown_value(raw)
        if quote and shown is not None:
            reason = f'"{shown}" {reason}'
        self.errors.add(row_error(self.name, row, column, shown, reason, cell))


def shown_value(raw) -> str:
    """Repeat a value in a message, shortened when long, identity numbers masked."""
    # An identity number typed in the wrong column must not reach a message either.
    text = mask_text(to_text(raw), NOT_SHOWN)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


def open_sheet(rows: Iterator, spec, facts, errors: ErrorList, *, areas_required: bool):
    """Read the header row (the first non-empty one); None when the sheet cannot be read."""
    for sheet_name, number, values in rows:
        name = mask_sheet_name(sheet_name)
        if all(is_empty(v) for v in values):
            continue
        match = match_headers(spec, values, areas_required=areas_required)
        headers = {
            key: mask_text(str(values[pos]).split("/")[0].strip())
            for key, pos in match.positions.items()
        }
        ordered = {c.key: match.positions[c.key] for c in spec.columns if c.key in match.positions}
        sheet = Sheet(
            name, spec, facts, ordered, headers, tuple(t for _, t in match.extras), errors
        )
        for position, reason in match.problems:
            cell = f"{column_letters(position)}{number}" if position is not None else ""
            errors.add(row_error(name, number, None, None, reason, cell))
        if any(p is None for p, _ in match.problems):
            return None
        _report_merged(sheet, number)
        return sheet
    return None


def _report_merged(sheet: Sheet, header_row: int) -> None:
    used = set(sheet.positions.values())
    for top, left, bottom, right in sheet.facts.merged_ranges:
        if bottom >= header_row and any(left <= p <= right for p in used):
            span = f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"
            sheet.errors.add(
                row_error(
                    sheet.name,
                    top,
                    None,
                    None,
                    f"cells {span} are merged; unmerge them and write the value in every row.",
                    f"{column_letters(left)}{top}",
                )
            )


def data_rows(sheet: Sheet, rows: Iterator, limits: Limits) -> Iterator[tuple[int, list]]:
    """Yield (row number, one cell per spec column, None where absent) for each non-empty row."""
    positions = [sheet.positions.get(c.key, -1) for c in sheet.spec.columns]
    keys = [c.key for c in sheet.spec.columns]
    formulas = sheet.facts.formulas_without_value
    hidden = sheet.facts.hidden_rows
    for _, number, values in rows:
        width = len(values)
        cells = [values[p] if -1 < p < width else None for p in positions]
        missing = _formulas(formulas, number, keys, positions) if formulas else ()
        if not missing and all(
            v is None or v == "" or (v.__class__ is str and not v.strip()) for v in cells
        ):
            continue
        sheet.rows_read += 1
        if sheet.rows_read > limits.max_rows_per_sheet:
            raise TooManyRowsError(
                f"Sheet {sheet.name} holds more than {limits.max_rows_per_sheet} rows, the "
                "most one file may hold; split the rows over several files."
            )
        if number in hidden:
            sheet.error(
                number,
                None,
                None,
                "this row is hidden; unhide it (or clear the filter) "
                "so that what you see is what is submitted, or delete it.",
            )
        for key in missing:
            sheet.error(
                number,
                key,
                None,
                "the cell holds a formula whose result was not "
                "saved; open the file in Excel, save it, and upload it again.",
            )
        if not missing:
            yield number, cells


def _formulas(formulas, number: int, keys, positions) -> list[str]:
    return [k for k, p in zip(keys, positions, strict=True) if (number, p) in formulas]
