"""Facts the cell readers do not give, read from the sheet XML in one streaming pass (pure).

Both reader backends see the same facts: hidden rows, merged ranges, formula cells with no
cached value, and numeric cells formatted as percent. The pass also decompresses every part
of the archive once, so a part whose content does not match its declared size and checksum is
refused before calamine or openpyxl read it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from outcomes.workbook.extent import ExtentCollector, SheetExtent
from outcomes.workbook.limits import DamagedWorkbookError, Limits

CHUNK_BYTES = 1024 * 1024
#: A row's XML longer than this cannot be an honest outcome row.
MAX_CARRY_BYTES = 16 * 1024 * 1024
#: workbook.xml, its relations and styles are small in any real workbook.
MAX_SMALL_PART_BYTES = 20 * 1024 * 1024
PERCENT_BUILTIN_FORMATS = frozenset({9, 10})

_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_VALUE_ELEMENT = re.compile(rb"<(?:\w+:)?v\b")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+)(?::([A-Z]+\d+))?"')
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@dataclass(frozen=True, slots=True)
class SheetFacts:
    """Row numbers are 1-based; columns are 0-based indexes (A is 0)."""

    hidden_rows: frozenset[int] = frozenset()
    merged_ranges: tuple[tuple[int, int, int, int], ...] = ()
    formulas_without_value: frozenset[tuple[int, int]] = frozenset()
    percent_cells: frozenset[tuple[int, int]] = frozenset()


@dataclass(slots=True)
class _Collector:
    hidden_rows: set = field(default_factory=set)
    merged: list = field(default_factory=list)
    formulas: set = field(default_factory=set)
    percent: set = field(default_factory=set)


def column_index(letters: str) -> int:
    """Turn column letters (A, Z, AA) into a 0-based index."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    """Turn a 0-based column index into letters (0 is A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class WorkbookScan:
    """What the XML pass found: the wanted sheets' facts and every sheet's extent and state."""

    facts: dict[str, SheetFacts]
    extents: dict[str, SheetExtent]
    #: Sheet name -> "visible", "hidden" or "veryHidden", in the workbook's order.
    states: dict[str, str]

    @property
    def cells(self) -> int:
        """Cells in all the sheets: what editing a copy of the workbook costs."""
        return sum(extent.cells for extent in self.extents.values())

    @property
    def largest_area(self) -> int:
        """The largest rectangle from A1 to a sheet's last cell."""
        return max((extent.area for extent in self.extents.values()), default=0)


def scan_workbook(data: bytes, is_wanted, limits: Limits | None = None) -> WorkbookScan:
    """Decompress every part once, check every sheet's extent, collect the wanted sheets' facts.

    Raises OutOfBoundsError naming the first cell (or declared dimension) beyond the limits.
    """
    limits = limits or Limits()
    # Sizes matter only to a file calamine may read or openpyxl may mark up; a larger one is
    # only checked, which costs far less.
    exact = len(data) <= max(limits.fast_reader_max_bytes, limits.marked_copy_max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = workbook_sheets(archive)
        styles = percent_styles(archive)
        by_part = {part: name for name, (part, _) in sheets.items()}
        facts, extents = {}, {}
        for info in archive.infolist():
            sheet = by_part.get(info.filename)
            if sheet is None:
                _drain(archive, info)
                continue
            extent = ExtentCollector(sheet, limits, exact=exact)
            found = _scan_sheet(archive, info, styles if is_wanted(sheet) else None, extent)
            extents[sheet] = extent.finished()
            if is_wanted(sheet):
                facts[sheet] = found
        states = {name: state for name, (_, state) in sheets.items()}
        return WorkbookScan(facts, extents, states)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        ElementTree.ParseError,
    ) as exc:
        raise DamagedWorkbookError(
            "The workbook is damaged (one of its parts does not read back as written). "
            "Open it in Excel, save it again and upload it once more."
        ) from exc


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each worksheet's name to its part inside the archive."""
    return {name: part for name, (part, _) in workbook_sheets(archive).items()}


def workbook_sheets(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Map each sheet's name to its part inside the archive and its state (hidden or not)."""
    book = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheets = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id, "")
        if target.startswith("/"):
            part = target.lstrip("/")
        elif target:
            part = posixpath.normpath(posixpath.join("xl", target))
        else:
            continue
        sheets[sheet.get("name")] = (part, sheet.get("state") or "visible")
    return sheets


def percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Return the style indexes (cellXfs) whose number format shows a percent sign."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    styles = _small_xml(archive, "xl/styles.xml")
    custom = {}
    for element in styles.iter():
        if element.tag.endswith("}numFmt"):
            code = _QUOTED.sub("", element.get("formatCode", ""))
            custom[int(element.get("numFmtId", "0"))] = "%" in code
    found = set()
    for element in styles.iter():
        if element.tag.endswith("}cellXfs"):
            for index, xf in enumerate(element):
                fmt = int(xf.get("numFmtId", "0"))
                if fmt in PERCENT_BUILTIN_FORMATS or custom.get(fmt, False):
                    found.add(index)
    return frozenset(found)


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # Expat 2.4+ (bundled with Python 3.11) refuses entity-expansion bombs; these parts hold no
    # external entities that ElementTree would fetch.
    info = archive.getinfo(name)
    if info.file_size > MAX_SMALL_PART_BYTES:
        raise DamagedWorkbookError(f"The workbook's part {name} is implausibly large.")
    return ElementTree.fromstring(archive.read(info))


def _drain(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    # Reading to the end makes zipfile compare the CRC, bounded by the declared size.
    with archive.open(info) as stream:
        while stream.read(CHUNK_BYTES):
            pass


def _scan_sheet(archive, info, styles, extent: ExtentCollector) -> SheetFacts | None:
    """Stream one sheet through the extent check and, when `styles` is given, collect facts."""
    percent_cell = _percent_cell_pattern(styles) if styles is not None else None
    found = _Collector() if styles is not None else None
    carry = b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            text = carry + chunk
            cut = _last_whole_rows(text)
            _scan_piece(text[:cut], percent_cell, found, extent)
            carry = text[cut:]
            if len(carry) > MAX_CARRY_BYTES:
                raise DamagedWorkbookError("A row of the workbook is implausibly long.")
    _scan_piece(carry, percent_cell, found, extent)
    if found is None:
        return None
    return SheetFacts(
        frozenset(found.hidden_rows),
        tuple(found.merged),
        frozenset(found.formulas),
        frozenset(found.percent),
    )


def _scan_piece(text: bytes, percent_cell, found, extent: ExtentCollector) -> None:
    extent.feed(text)
    if found is not None:
        _scan_text(text, percent_cell, found)


def _last_whole_rows(text: bytes) -> int:
    # Cut before the last row that starts in the text, so no cell is split across chunks.
    cut = max(text.rfind(b"<row"), text.rfind(b":row "))
    if cut > 0:
        return cut if text[cut] == 60 else text.rfind(b"<", 0, cut)
    if b"sheetData>" in text:
        return text.rfind(b">") + 1
    return 0


def _percent_cell_pattern(styles: frozenset[int]):
    if not styles:
        return None
    choices = b"|".join(str(s).encode() for s in sorted(styles))
    return re.compile(rb'<(?:\w+:)?c\b[^>]*\bs="(?:' + choices + rb')"[^>]*>')


def _scan_text(text: bytes, percent_cell, found: _Collector) -> None:
    if b"hidden" in text:
        for match in _HIDDEN_ROW.finditer(text):
            number = _ROW_NUMBER.search(match.group(0))
            if number:
                found.hidden_rows.add(int(number.group(1)))
    if _FORMULA.search(text):
        _scan_formulas(text, found)
    if percent_cell is not None:
        for match in percent_cell.finditer(text):
            found.percent.update(_refs(match.group(0)))
    if b"mergeCell" in text:
        for match in _MERGE.finditer(text):
            first, last = match.group(1).decode(), (match.group(2) or match.group(1)).decode()
            found.merged.append(_range(first, last))


def _scan_formulas(text: bytes, found: _Collector) -> None:
    for match in _CELL.finditer(text):
        body = match.group(2) or b""
        if not _FORMULA.search(body):
            continue
        is_text = b't="str"' in match.group(1)
        has_value = _VALUE.search(body) or (is_text and _VALUE_ELEMENT.search(body))
        if not has_value:
            found.formulas.update(_refs(match.group(0)))


def _refs(tag: bytes):
    ref = _CELL_REF.search(tag)
    if ref:
        yield int(ref.group(2)), column_index(ref.group(1).decode())


def _range(first: str, last: str) -> tuple[int, int, int, int]:
    a, b = _split_ref(first), _split_ref(last)
    return a[0], a[1], b[0], b[1]


def _split_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), column_index(letters)
