"""Fixtures for the workbook tests: a contract's terms, workbook factories, and both readers."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from outcomes.workbook.catalogue import catalogue_from_terms
from outcomes.workbook.limits import Limits
from outcomes.workbook.parse import parse_workbook

KEY = b"test-key-not-a-secret"
#: Valid identity numbers: Skatteverket's test person "Tolvan" and two with right check digits.
TOLVAN = "19121212-1212"
OTHER = "811228-9874"
THIRD = "20010101-0007"

TERMS = {
    "format": "sib-terms/1",
    "reference": "BOT-NAC-2027",
    "title": "Work and safety in Alby, Fittja and Fisksätra",
    "metrics": [
        {"code": "EMP6", "name": "Residents in work six months", "unit": "count",
         "direction": "higher", "participant_level": True, "x_areas": ["Alby", "Fittja"]},
        {"code": "VISIT", "name": "Advice visits", "unit": "count", "direction": "higher",
         "participant_level": True},
        {"code": "SAFE", "name": "Residents who feel safe at night", "unit": "percent",
         "direction": "higher"},
        {"code": "CALLS", "name": "Emergency calls", "unit": "count", "direction": "lower",
         "x_areas": ["Alby", "Fittja"]},
        {"code": "COST", "name": "Care costs avoided", "unit": "money", "direction": "higher"},
    ],
    "periods": [
        {"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"},
    ],
    "terms": [{"id": "visits", "metric": "VISIT", "kind": "rate_card", "price": "100",
               "repeatable": True}],
}  # fmt: skip
VALUES_HEADER = ["Metric", "Period", "Area", "Value", "Comment"]
PARTICIPANTS_HEADER = ["Participant id", "Metric", "Period", "Date achieved", "Area"]


@pytest.fixture(scope="session")
def catalogue():
    return catalogue_from_terms(TERMS)


@pytest.fixture(params=["calamine", "openpyxl"])
def limits(request):
    """Limits forcing one reader backend; every test using it runs through both."""
    fast = 10**9 if request.param == "calamine" else 0
    return Limits(fast_reader_max_bytes=fast)


def save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def make_workbook():
    """Build workbook bytes from rows; `values=None` leaves the sheet out; `edit` tweaks sheets."""

    def make(values=(), participants=None, *, values_header=None, participants_header=None,
             edit=None, title="Values"):  # fmt: skip
        book = Workbook()
        book.remove(book.active)
        if values is not None:
            sheet = book.create_sheet(title)
            sheet.append(list(values_header or VALUES_HEADER))
            for row in values:
                sheet.append(list(row))
        if participants is not None:
            sheet = book.create_sheet("Participants")
            sheet.append(list(participants_header or PARTICIPANTS_HEADER))
            for row in participants:
                sheet.append(list(row))
        if edit:
            edit(book)
        return save(book)

    return make


@pytest.fixture
def parse(catalogue, limits):
    """Parse bytes with the contract's catalogue through the backend under test."""

    def run(data: bytes, **changes):
        use = limits
        if changes:
            use = Limits(**{**_fields(limits), **changes})
        return parse_workbook(data, catalogue, pseudonym_key=KEY, limits=use)

    return run


def _fields(limits: Limits) -> dict:
    return {name: getattr(limits, name) for name in limits.__dataclass_fields__}


@pytest.fixture(scope="session")
def corpus():
    """The builders of broken files below, as one namespace."""
    return sys.modules[__name__]


# Builders of broken files for the bad-workbook corpus.

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zip_of(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def old_excel() -> bytes:
    return OLE_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1024


def encrypted_excel() -> bytes:
    # What Excel writes for a password-protected .xlsx: an OLE container with these streams.
    names = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    return OLE_MAGIC + b"\x00" * 504 + names + b"\x00" * 1024


def csv_text() -> bytes:
    return b"Metric;Period;Value\nSAFE;2027;57,5\n"


def opendocument() -> bytes:
    return zip_of({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<office:document-content/>",
    })  # fmt: skip


def word_document() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def plain_zip() -> bytes:
    return zip_of({"report.xlsx.txt": b"hello"})


def bomb(expanded_bytes: int) -> bytes:
    """A workbook-shaped zip whose sheet expands about 1000 times (deflate's limit)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\x20" * (1024 * 1024)
    body = b"".join(compressor.compress(block) for _ in range(expanded_bytes // len(block)))
    body += compressor.flush()
    return _stored_deflate_entry(
        {"xl/workbook.xml": b"<workbook/>"}, "xl/worksheets/sheet1.xml", body, expanded_bytes
    )


def _stored_deflate_entry(small: dict[str, bytes], name: str, deflated: bytes, size: int) -> bytes:
    # Writes one pre-compressed entry by hand, so building a bomb never holds it expanded.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for small_name, content in small.items():
            archive.writestr(small_name, content)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = size
        info.compress_size = len(deflated)
        info.CRC = 0
        offset = out.tell()
        info.header_offset = offset
        out.write(info.FileHeader(zip64=False))
        out.write(deflated)
        archive.filelist.append(info)
        archive.NameToInfo[name] = info
        archive.start_dir = out.tell()
    return out.getvalue()


def with_declared_size(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the central directory's uncompressed size of one entry (a lying archive)."""
    raw = bytearray(data)
    encoded = name.encode()
    at = raw.find(b"PK\x01\x02" + b"", 0)
    while at >= 0:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if bytes(raw[at + 46 : at + 46 + name_length]) == encoded:
            struct.pack_into("<I", raw, at + 24, declared)
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


def with_encrypted_flag(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every entry, as a password-protected zip has."""
    raw = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at >= 0:
            flags = struct.unpack_from("<H", raw, at + flag_at)[0]
            struct.pack_into("<H", raw, at + flag_at, flags | 1)
            at = raw.find(signature, at + 4)
    return bytes(raw)


def many_entries(count: int) -> bytes:
    files = {"xl/workbook.xml": b"<workbook/>"}
    files.update({f"xl/media/image{i}.png": b"x" for i in range(count)})
    return zip_of(files)


def empty() -> bytes:
    return b""


def web_page() -> bytes:
    return b"<html><body>Outcomes</body></html>"


def png_image() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def empty_formatted_rows(count: int, first_row: list[str]) -> bytes:
    """A Values sheet: header, one row, then `count` formatted empty rows (hand-written XML)."""

    def cells(row, texts):
        return "".join(
            f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
            for i, text in enumerate(texts)
        )

    header = cells(1, ["Metric", "Period", "Area", "Value"])
    first = cells(2, first_row)
    empties = "".join(
        f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>'
        for r in range(3, count + 3)
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{header}</row><row r="2">{first}</row>{empties}</sheetData></worksheet>'
    )
    return zip_of({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet.encode(),
    })  # fmt: skip


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    b'workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Values" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    b'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org'
    b'/spreadsheetml/2006/main"><fonts count="2"><font/><font><b/></font></fonts><fills count='
    b'"1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
    b'</borders><cellXfs count="2"><xf numFmtId='
    b'"0" fontId="0"/><xf numFmtId="0" fontId="1" applyFont="1"/></cellXfs></styleSheet>'
)


def with_extra_part(data: bytes, name: str, content: bytes) -> bytes:
    """Copy an archive and add one part (a macro project, say)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()
