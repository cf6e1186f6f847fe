"""File checks before any XML is parsed: type by magic bytes, size, the zip's own claims (pure)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from outcomes.workbook.limits import (
    DamagedWorkbookError,
    EncryptedWorkbookError,
    FileTooLargeError,
    Limits,
    NotXlsxError,
    ZipBombError,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: An encrypted .xlsx is an OLE container holding a stream of this name (UTF-16LE).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS_XLSX = "save it as an Excel Workbook (.xlsx) and upload that file"


@dataclass(frozen=True, slots=True)
class ZipSummary:
    """What the archive's central directory says, checked against the limits."""

    entries: int
    uncompressed_bytes: int
    has_macros: bool


def check_file(data: bytes, limits: Limits) -> ZipSummary:
    """Refuse anything that is not a sane .xlsx archive, reading only the zip directory."""
    if not data:
        raise NotXlsxError(f"The file is empty. Open the workbook in Excel, {SAVE_AS_XLSX}.")
    if len(data) > limits.max_upload_bytes:
        raise FileTooLargeError(
            f"The file is {_mb(len(data))} and uploads are limited to "
            f"{_mb(limits.max_upload_bytes)}; split the rows over several files."
        )
    if not data.startswith(ZIP_MAGICS):
        raise _not_a_zip(data)
    archive = _open_zip(data)
    _check_kind(archive)
    return _check_sizes(archive.infolist(), limits)


def _not_a_zip(data: bytes) -> NotXlsxError:
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            return EncryptedWorkbookError(
                "The workbook is protected with a password, so it cannot be read. In Excel "
                "choose File > Info > Protect Workbook > Encrypt with Password, clear the "
                "password, save, and upload the file again."
            )
        return NotXlsxError(
            f"This is an old Excel 97-2003 (.xls) file. Open it in Excel, {SAVE_AS_XLSX}."
        )
    if data.startswith(b"%PDF"):
        return NotXlsxError(
            "This is a PDF document, not a workbook. Upload the Excel file the figures come "
            "from, or download the contract's template and fill it in."
        )
    head = data[:4096]
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return NotXlsxError(
            f"This is a web page, not a workbook. Open it in Excel, {SAVE_AS_XLSX}."
        )
    if b"\x00" not in head and any(sep in head for sep in (b",", b";", b"\t")):
        return NotXlsxError(
            "This looks like a CSV text file. Open it in Excel, check the columns, and "
            f"{SAVE_AS_XLSX}."
        )
    return NotXlsxError(
        "This file is not an Excel workbook. Download the contract's template, fill it in "
        "Excel and upload it as .xlsx."
    )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DamagedWorkbookError(
            "The file is damaged or cut short (it is not a complete .xlsx). Open it in Excel, "
            "save it again and upload it once more."
        ) from exc


def _check_kind(archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "mimetype" in names and "content.xml" in names:
        raise NotXlsxError(
            "This is an OpenDocument spreadsheet (.ods). In LibreOffice choose File > Save As, "
            "pick the type Excel 2007-365 (.xlsx), and upload that file."
        )
    if "xl/workbook.xml" in names:
        return
    if "word/document.xml" in names:
        raise NotXlsxError("This is a Word document, not a workbook; upload the .xlsx file.")
    raise NotXlsxError(
        "This is a zip archive but not an Excel workbook. Upload the .xlsx file itself, "
        "not an archive holding it."
    )


def _check_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> ZipSummary:
    if len(infos) > limits.max_entries:
        raise ZipBombError(
            f"The workbook holds {len(infos)} parts and at most {limits.max_entries} are "
            "accepted; this is not an ordinary outcome workbook."
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedWorkbookError(
                "Parts of the workbook are encrypted, so it cannot be read; remove the "
                "password in Excel and upload it again."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DamagedWorkbookError(
                "The workbook uses a compression Excel does not write. Open it in Excel, "
                "save it again and upload it once more."
            )
        _check_ratio(info, limits)
        total += info.file_size
    if total > limits.max_uncompressed_bytes:
        raise ZipBombError(
            f"The workbook would expand to {_mb(total)}, over the limit of "
            f"{_mb(limits.max_uncompressed_bytes)}; split the rows over several files."
        )
    has_macros = any(info.filename.lower().endswith("vbaproject.bin") for info in infos)
    return ZipSummary(len(infos), total, has_macros)


def _check_ratio(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.file_size < limits.ratio_checked_from_bytes:
        return
    if info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
        raise ZipBombError(
            f"The part {info.filename} expands {info.file_size // max(info.compress_size, 1)} "
            f"times (at most {limits.max_compression_ratio} is accepted); this is not an "
            "ordinary workbook. Save it again from Excel."
        )


def _mb(size: int) -> str:
    tenths = size * 10 // (1024 * 1024)
    return f"{tenths // 10}.{tenths % 10} MB"
