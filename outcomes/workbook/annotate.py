"""The officer's own workbook with every problem marked: red cells, comments, Errors sheet (pure).

The copy is written by openpyxl without `keep_vba`, so any macros of the original are dropped,
and made inert first (`outcomes.workbook.defuse`): no formula or link of the original acts in
it. With `mask_identifiers` it holds no participant identifier either (see
`outcomes.workbook.mask`), so it may be stored where the original may not.
"""

from __future__ import annotations

import io
from collections import defaultdict

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from outcomes.workbook.defuse import defuse
from outcomes.workbook.mask import mask_identifiers as mask_book
from outcomes.workbook.results import RowError
from outcomes.workbook.template import put

RED = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
LINK = Font(color="FF0563C1", underline="single")
AUTHOR = "Outcome check"
#: Cells marked one by one; the Errors sheet still lists every problem.
MAX_MARKED_CELLS = 20_000
COMMENT_SIZE = (120, 320)  # height, width in points
MB = 1024 * 1024


def annotated_workbook(
    data: bytes,
    errors: tuple[RowError, ...] | list[RowError],
    *,
    max_bytes: int = 8 * MB,
    cells: int = 0,
    max_cells: int = 200_000,
    mask_identifiers: bool = False,
) -> bytes:
    """Return the workbook with bad cells filled red and commented, plus an Errors sheet.

    openpyxl loads a whole workbook to edit it (several hundred bytes a cell), so a file over
    `max_bytes`, or holding more than `max_cells` cells (`cells`, counted by the XML scan),
    comes back as the Errors sheet alone. With `mask_identifiers`, every participant id and
    every personal identity number is replaced before marking.
    """
    if len(data) > max_bytes or cells > max_cells:
        return errors_workbook(errors)
    book = load_workbook(io.BytesIO(data), rich_text=False)
    defuse(book)
    if mask_identifiers:
        mask_book(book)
    by_cell = defaultdict(list)
    for error in errors:
        if error.sheet in book.sheetnames and error.cell:
            by_cell[(error.sheet, error.cell)].append(error.reason or error.message)
    for count, ((sheet, ref), reasons) in enumerate(by_cell.items()):
        if count >= MAX_MARKED_CELLS:
            break
        _mark(book[sheet], ref, reasons)
    _errors_sheet(book, errors)
    return _saved(book)


def _mark(sheet, ref: str, reasons: list[str]) -> None:
    cell = sheet[ref]
    if isinstance(cell, MergedCell):
        # Only the top-left cell of a merged range holds a value, a fill or a comment.
        merged = next((r for r in sheet.merged_cells.ranges if ref in r), None)
        if merged is None:
            return  # the Errors sheet still lists the problem
        cell = sheet.cell(merged.min_row, merged.min_col)
        reasons = [f"{ref} (merged into {merged.coord}): {reason}" for reason in reasons]
    marked = cell.comment is not None and cell.comment.author == AUTHOR
    existing = cell.comment.text + "\n" if marked else ""
    cell.fill = RED
    comment = Comment(existing + "\n".join(reasons), AUTHOR)
    comment.height, comment.width = COMMENT_SIZE
    cell.comment = comment


def errors_workbook(errors: tuple[RowError, ...] | list[RowError]) -> bytes:
    """A workbook of the Errors sheet alone: the problems' places and sentences, no cell values
    of the file beyond what the messages quote (never a participant identifier)."""
    book = Workbook()
    book.remove(book.active)
    _errors_sheet(book, errors)
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _errors_sheet(book, errors) -> None:
    name = "Errors" if "Errors" not in book.sheetnames else _free_name(book.sheetnames)
    sheet = book.create_sheet(name, 0)
    book.active = 0
    for column, (title, width) in enumerate(
        (("Sheet", 16), ("Row", 8), ("Column", 18), ("Cell", 8), ("Problem", 110)), start=1
    ):
        put(sheet, 1, column, title).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + column)].width = width
    sheet.freeze_panes = "A2"
    for row, error in enumerate(errors, start=2):
        put(sheet, row, 1, error.sheet or "")
        put(sheet, row, 2, error.row)
        put(sheet, row, 3, error.column or "")
        put(sheet, row, 5, error.message)
        target = error.cell or (f"A{error.row}" if error.sheet and error.row else "")
        link = put(sheet, row, 4, target)
        if target and error.sheet in book.sheetnames:
            quoted = error.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{target}")
            link.font = LINK


def _free_name(names: list[str]) -> str:
    number = 2
    while f"Errors ({number})" in names:
        number += 1
    return f"Errors ({number})"
