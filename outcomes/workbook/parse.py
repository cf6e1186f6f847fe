"""Read, check and pseudonymise an outcome workbook in one call; no storage, no web (pure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from outcomes.workbook.catalogue import Catalogue
from outcomes.workbook.choice import SheetChoice, choose_sheets
from outcomes.workbook.guard import check_file
from outcomes.workbook.headers import PARTICIPANTS, VALUES, sheet_spec
from outcomes.workbook.identity import mask_text
from outcomes.workbook.limits import Limits
from outcomes.workbook.lookups import Lookups
from outcomes.workbook.participant_table import ParticipantTable
from outcomes.workbook.reader import open_reader
from outcomes.workbook.results import ErrorList, RowError, ValueRow, row_error
from outcomes.workbook.sheet import open_sheet
from outcomes.workbook.sheetscan import SheetFacts, scan_workbook
from outcomes.workbook.validate import check_participants, check_values

#: A shorter HMAC key is a configuration mistake, not a secret.
MIN_KEY_BYTES = 16


@dataclass(frozen=True, slots=True)
class ParsedWorkbook:
    """Everything read from one file. Store it only when `errors` is empty."""

    values: tuple[ValueRow, ...]
    #: A sequence of `ParticipantRow`, packed in columns to keep a million rows small.
    participants: ParticipantTable
    #: Sheet name -> non-empty data rows read (header not counted).
    row_counts: dict[str, int]
    #: (sheet, header) of columns the reader ignored.
    extra_columns: tuple[tuple[str, str], ...]
    errors: tuple[RowError, ...]
    #: Which reader backend read the file: "calamine" or "openpyxl".
    backend: str
    #: The file carried macros; they were never run, and nothing made from it keeps them.
    had_macros: bool = False
    #: Sheets not read (neither data nor the template's own), identity numbers masked.
    ignored_sheets: tuple[str, ...] = ()
    #: Cells in the whole file, and its largest sheet rectangle (from the XML scan).
    cells: int = 0

    @property
    def is_valid(self) -> bool:
        """Say whether the file may be stored."""
        return not self.errors

    def participant_counts(self) -> Counter:
        """Count participant rows per (metric, period, area)."""
        return self.participants.counts()


def parse_workbook(
    data: bytes, catalogue: Catalogue, *, pseudonym_key: bytes, limits: Limits | None = None
) -> ParsedWorkbook:
    """Check the file, then read and validate both data sheets, collecting every problem.

    Raises a `WorkbookError` subclass (with an HTTP `status`) when the file itself is refused:
    too large, not an .xlsx, encrypted, damaged, a zip bomb, too many rows in a sheet, or a
    sheet reaching (or declaring that it reaches) past the rows and columns allowed.
    """
    if len(pseudonym_key) < MIN_KEY_BYTES:
        raise ValueError(f"The pseudonym key must be at least {MIN_KEY_BYTES} bytes long.")
    limits = limits or Limits()
    summary = check_file(data, limits)
    # The scan verifies every part's size and checksum, and every sheet's extent, before a
    # reader library sees them.
    scan = scan_workbook(data, lambda name: sheet_spec(name) is not None, limits)
    reader = open_reader(data, limits, scan.largest_area)
    try:
        errors = ErrorList(limits.max_errors)
        choice = choose_sheets(reader, scan.states, errors)
        parsed = _read(reader, choice, scan.facts, catalogue, pseudonym_key, limits, errors)
    finally:
        reader.close()
    return replace(parsed, had_macros=summary.has_macros, cells=scan.cells)


def _read(reader, choice: SheetChoice, facts, catalogue, key, limits, errors) -> ParsedWorkbook:
    chosen = choice.data
    lookups = Lookups(catalogue, limits)
    found = {VALUES: [], PARTICIPANTS: ParticipantTable()}
    counts, extras = {}, []
    if not chosen and not choice.refused:
        errors.add(
            row_error(
                None,
                None,
                None,
                None,
                "there is neither a Values nor a "
                "Participants sheet; use the contract's template, or rename your "
                "sheets to Values and Participants.",
            )
        )
    for spec, name in chosen.items():
        rows = reader.rows(name)
        with_areas = any(
            m.areas and m.participant_level == (spec is PARTICIPANTS) for m in catalogue.metrics
        )
        sheet = open_sheet(
            rows, spec, facts.get(name, SheetFacts()), errors, areas_required=with_areas
        )
        if sheet is None:
            continue
        if spec is VALUES:
            found[spec] = check_values(sheet, rows, lookups)
        else:
            found[spec] = check_participants(sheet, rows, lookups, key)
        counts[sheet.name] = sheet.rows_read
        extras.extend((sheet.name, mask_text(header)) for header in sheet.extras)
    if chosen and not any(counts.values()) and not errors:
        errors.add(
            row_error(
                None,
                None,
                None,
                None,
                "the workbook holds no rows to submit; "
                "fill in the Values or Participants sheet under its headers.",
            )
        )
    return ParsedWorkbook(
        tuple(found[VALUES]),
        found[PARTICIPANTS],
        counts,
        tuple(extras),
        errors.finished(),
        reader.backend,
        ignored_sheets=choice.ignored,
    )
