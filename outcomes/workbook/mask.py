"""Participant identifiers masked in a loaded workbook, so that a copy of it may be stored (pure).

Every non-empty cell under a participant-id header of a Participants sheet becomes
`*** (rad/row N)`; anywhere else, a Swedish personal identity number (see
`outcomes.workbook.identity`) becomes `***`: in cells, cell comments, sheet names and the
document's properties, so a number typed in a comment, an extra column, another sheet or the
file's title is hidden too. Hyperlinks, headers and footers are dropped by
`outcomes.workbook.defuse` before this runs.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment

from outcomes.workbook.cells import is_empty, to_text
from outcomes.workbook.headers import PARTICIPANT, PARTICIPANTS, match_headers, sheet_spec
from outcomes.workbook.identity import HIDDEN, count_in, mask_sheet_name, mask_text

#: The document properties that hold free text.
TEXT_PROPERTIES = ("title", "subject", "creator", "keywords", "description", "lastModifiedBy",
                   "category", "identifier", "contentStatus", "version", "language")  # fmt: skip


def masked_identifier(row: int) -> str:
    """The text that replaces a participant id: the row, so the officer finds it in the original."""
    return f"{HIDDEN} (rad/row {row})"


def mask_identifiers(book: Workbook) -> int:
    """Replace every participant identifier and identity number in the book; return how many."""
    masked = _mask_properties(book)
    for sheet in book.worksheets:
        # Only the cells the file holds: iter_rows() would create every cell of the used range,
        # a million of them for a sheet with a million empty formatted rows.
        cells = list(sheet._cells.values())
        header_row, id_columns = _participant_columns(sheet.title, cells)
        for cell in cells:
            masked += _mask_cell(cell, header_row, id_columns)
        # A pivot table keeps a copy of its source rows in its cache; it is not needed to show
        # the problems, so it goes rather than carry identifiers past the mask.
        sheet._pivots = []
        if count_in(sheet.title):
            # The errors found name the sheet the same way (outcomes.workbook.sheet).
            sheet.title, masked = mask_sheet_name(sheet.title), masked + 1
    # Cached values of linked workbooks could hold identifiers as well.
    book._external_links = []
    return masked


def _mask_properties(book: Workbook) -> int:
    masked = 0
    for name in TEXT_PROPERTIES:
        value = getattr(book.properties, name, None)
        if isinstance(value, str) and count_in(value):
            setattr(book.properties, name, mask_text(value))
            masked += 1
    # Custom properties are free text of any kind; none is needed to show a problem.
    masked += len(book.custom_doc_props.props)
    book.custom_doc_props.props = []
    # A number format may quote text; one quoting an identity number becomes General (a
    # masked code could be one Excel refuses). Cells refer to formats by position, kept here.
    for index, code in enumerate(book._number_formats):
        if count_in(code):
            list.__setitem__(book._number_formats, index, "General")
            masked += 1
    return masked


def _participant_columns(title: str, cells) -> tuple[int, set[int]]:
    """The header row of a Participants sheet and every column headed as a participant id."""
    if sheet_spec(title) is not PARTICIPANTS:
        return 0, set()
    filled = [cell for cell in cells if not is_empty(cell.value)]
    if not filled:
        return 0, set()
    # The reader takes the first non-empty row as the header row; so does the mask.
    header_row = min(cell.row for cell in filled)
    columns = {
        cell.column
        for cell in filled
        if cell.row == header_row and _is_participant_header(cell.value)
    }
    return header_row, columns


def _is_participant_header(value) -> bool:
    # The reader's own matching (Swedish or English, any case, bilingual "a / b" headers).
    match = match_headers(PARTICIPANTS, [value], areas_required=False)
    return PARTICIPANT.key in match.positions


def _mask_cell(cell, header_row: int, id_columns: set[int]) -> int:
    masked = 0
    value = cell.value
    if cell.column in id_columns and cell.row > header_row and not is_empty(value):
        cell.value = masked_identifier(cell.row)
        masked = 1
    elif isinstance(value, str):
        count = count_in(value)
        if count:
            # _value, not value: masked text stays text even if it starts like a formula.
            cell._value, masked = mask_text(value), count
    elif _is_number(value) and count_in(to_text(value)):
        # An identity number typed as a number (191212121212) is a number cell.
        cell.value, masked = HIDDEN, 1
    if cell.comment is not None:
        count = count_in(cell.comment.text) + count_in(cell.comment.author or "")
        if count:
            cell.comment = Comment(
                mask_text(cell.comment.text), mask_text(cell.comment.author or "")
            )
            masked += count
    return masked


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
