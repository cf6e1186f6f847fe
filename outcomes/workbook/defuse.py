"""Making a loaded workbook inert before the service writes a copy of it (pure).

errors.xlsx is served to other organisations than the one that uploaded it, so nothing in it
may act when opened: every formula (HYPERLINK, WEBSERVICE, DDE such as `cmd|' /C calc'!A0`)
and every text that starts like one (= + - @) becomes plain text, shown as typed; the officer's
hyperlinks, defined names, conditional formats, validations, tables, charts, images, pivot
caches and links to other workbooks are dropped (none is needed to show a problem).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.workbook.defined_name import DefinedNameDict
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.header_footer import HeaderFooter
from openpyxl.worksheet.table import TableList

#: How a text cell may start that a spreadsheet (or a CSV import of it) could take as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def defuse(book: Workbook) -> int:
    """Turn every formula of the book into text and drop what could act; return cells changed."""
    changed = 0
    for sheet in book.worksheets:
        # Only the cells the file holds: iter_rows() would create every cell of the used range.
        for cell in list(sheet._cells.values()):
            changed += _inert(cell)
        sheet.conditional_formatting = ConditionalFormattingList()
        sheet.data_validations = DataValidationList()
        sheet.defined_names = DefinedNameDict()
        sheet.HeaderFooter = HeaderFooter()
        sheet._tables = TableList()
        sheet._charts, sheet._images, sheet._pivots = [], [], []
    book.defined_names = DefinedNameDict()
    book._external_links = []
    book.calculation = CalcProperties()
    return changed


def _inert(cell) -> int:
    if cell.hyperlink is not None:
        cell.hyperlink = None
    value = cell.value
    if isinstance(value, ArrayFormula):
        return _as_text(cell, value.text or "")
    if isinstance(value, DataTableFormula):
        return _as_text(cell, "=TABLE()")
    if cell.data_type == "f":
        return _as_text(cell, str(value))
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _as_text(cell, value)
    return 0


def _as_text(cell, text: str) -> int:
    # Setting .value would make openpyxl read "=..." as a formula again; _value keeps it text.
    cell._value = text
    cell.data_type = "s"
    cell.quotePrefix = True
    return 1
