"""Limits on an uploaded workbook and the errors raised when one is exceeded (pure)."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable limits; every size is in bytes."""

    max_upload_bytes: int = 20 * MB
    max_rows_per_sheet: int = 2_000_000
    #: Columns a sheet may reach (1024 is AMJ); the template has 7. A cell beyond is refused.
    max_columns: int = 1024
    max_uncompressed_bytes: int = 1024 * MB
    max_entries: int = 1000
    #: Uncompressed bytes per compressed byte of any one large entry.
    max_compression_ratio: int = 200
    #: Entries smaller than this are too small to be a bomb; their ratio is not checked.
    ratio_checked_from_bytes: int = 1 * MB
    #: Files up to this size are read by python-calamine (fast, holds the sheet in memory);
    #: larger ones stream through openpyxl read-only. From benchmarks/ingest_read.py: calamine
    #: peaks at about 28 MB of memory per MB of file (690 MB for a 25 MB, 1M-row file; 174 MB
    #: at 6 MB), so 8 MB keeps a parse near 230 MB, under the 350 MB target.
    fast_reader_max_bytes: int = 8 * MB
    #: ... and only when no sheet's rectangle from A1 to its last cell holds more cells than
    #: this: calamine allocates that rectangle whole (about 32 bytes a cell, so 128 MB here).
    fast_reader_max_cells: int = 4_000_000
    #: A rejected file is marked up in a copy only up to this size and this many cells;
    #: openpyxl needs several hundred bytes a cell to edit one (800 MB for a million styled
    #: empty cells), so a larger file gets the Errors sheet alone.
    marked_copy_max_bytes: int = 8 * MB
    marked_copy_max_cells: int = 200_000
    #: Problems listed one by one; beyond this a final line counts the rest.
    max_errors: int = 10_000
    #: Characters in a text cell (a comment may be long; an id or code never is).
    max_comment_chars: int = 1000
    max_text_chars: int = 100


class WorkbookError(Exception):
    """A file the service refuses before reading any row; `status` is the HTTP answer."""

    status = 422
    #: Where the problem is, when it is in one place (the API names it as Sheet!A1).
    sheet: str | None = None
    cell: str = ""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OutOfBoundsError(WorkbookError):
    """A sheet reaches (or declares that it reaches) past the rows or columns allowed."""

    status = 422

    def __init__(self, message: str, *, sheet: str, cell: str):
        super().__init__(message)
        self.sheet, self.cell = sheet, cell


class FileTooLargeError(WorkbookError):
    """The upload, its archive or one of its sheets is bigger than the limits allow."""

    status = 413


class TooManyRowsError(FileTooLargeError):
    """A sheet holds more rows than the limit."""


class ZipBombError(FileTooLargeError):
    """The archive would expand beyond the limits (size, entries or compression ratio)."""


class NotXlsxError(WorkbookError):
    """The file is not an .xlsx workbook (old Excel, CSV, OpenDocument, PDF, empty, ...)."""

    status = 415


class EncryptedWorkbookError(NotXlsxError):
    """The workbook is password-protected, so it cannot be read."""


class DamagedWorkbookError(WorkbookError):
    """The file claims to be an .xlsx but is cut short or malformed."""

    status = 422
