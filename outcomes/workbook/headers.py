"""The two data sheets and their columns, matched by Swedish or English header, any order (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from outcomes.workbook.sheetscan import column_letters


@dataclass(frozen=True, slots=True)
class Column:
    """A column the reader understands; `names` are its accepted headers, lower case."""

    key: str
    english: str
    swedish: str
    names: frozenset[str]
    required: bool = True

    @property
    def header(self) -> str:
        """The header the template writes."""
        return f"{self.english} / {self.swedish}"


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """A data sheet: its accepted names and its columns."""

    english: str
    swedish: str
    names: frozenset[str]
    columns: tuple[Column, ...]
    #: Columns the template adds for the reader's eyes only; never reported as extra.
    informational: frozenset[str] = frozenset()


def _column(key, english, swedish, *others, required=True) -> Column:
    names = frozenset(n.casefold() for n in (key, english, swedish, *others))
    return Column(key, english, swedish, names, required)


METRIC = _column("metric", "Metric", "Mått", "metric code", "måttkod", "kod", "code", "indicator")
PERIOD = _column("period", "Period", "Period", "cohort", "kohort", "period label")
AREA = _column("area", "Area", "Område", "omrade", "district", "stadsdel", required=False)
VALUE = _column("value", "Value", "Värde", "varde", "outcome", "utfall", "amount", "belopp")
COMMENT = _column("comment", "Comment", "Kommentar", "note", "notes", required=False)
PARTICIPANT = _column(
    "participant",
    "Participant id",
    "Deltagar-id",
    "participant",
    "deltagare",
    "deltagar id",
    "deltagarid",
    "id",
    "personnummer",
    "personal identity number",
)
ACHIEVED_ON = _column(
    "achieved_on",
    "Date achieved",
    "Datum uppnått",
    "achieved on",
    "date",
    "datum",
    "uppnått",
    "uppnått datum",
    "uppnadd",
    "datum uppnatt",
)
INFORMATIONAL = frozenset({"metric name", "måttnamn", "unit", "enhet"})

VALUES = SheetSpec(
    "Values",
    "Värden",
    frozenset({"values", "värden", "varden", "aggregate", "aggregat"}),
    (METRIC, PERIOD, AREA, VALUE, COMMENT),
    INFORMATIONAL,
)
PARTICIPANTS = SheetSpec(
    "Participants",
    "Deltagare",
    frozenset({"participants", "deltagare", "participant rows", "deltagarrader"}),
    (PARTICIPANT, METRIC, PERIOD, ACHIEVED_ON, AREA),
    INFORMATIONAL,
)
SPECS = (VALUES, PARTICIPANTS)


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Where each understood column sits (0-based), what else is there, and what is wrong."""

    positions: dict[str, int]
    extras: tuple[tuple[int, str], ...]
    problems: tuple[tuple[int | None, str], ...]


def normalise_header(text) -> str:
    """Lower-case a header and drop decoration: spaces, a trailing colon or asterisk, units."""
    text = re.sub(r"\s+", " ", str(text)).strip().casefold()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return text.rstrip(":* ").strip()


def sheet_spec(name: str) -> SheetSpec | None:
    """Say which data sheet a sheet name stands for, ignoring case."""
    wanted = normalise_header(name)
    return next((spec for spec in SPECS if wanted in spec.names), None)


def match_headers(spec: SheetSpec, cells, *, areas_required: bool) -> HeaderMatch:
    """Find the columns of a header row; duplicates and missing columns become problems."""
    positions: dict[str, int] = {}
    extras, problems = [], []
    for index, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        column = _column_for(spec, cell)
        if column is None:
            if not _is_informational(spec, cell):
                extras.append((index, str(cell).strip()))
        elif column.key in positions:
            first = column_letters(positions[column.key])
            problems.append(
                (
                    index,
                    f"columns {first} and {column_letters(index)} are both headed "
                    f"{column.english}; keep one of them and delete the other.",
                ),
            )
        else:
            positions[column.key] = index
    for column in spec.columns:
        needed = column.required or (column.key == "area" and areas_required)
        if needed and column.key not in positions:
            problems.append(
                (
                    None,
                    f"there is no column headed {column.english} ({column.swedish}); "
                    "add it to the header row, as in the template.",
                ),
            )
    return HeaderMatch(positions, tuple(extras), tuple(problems))


def _column_for(spec: SheetSpec, cell) -> Column | None:
    for part in _parts(cell):
        for column in spec.columns:
            if part in column.names:
                return column
    return None


def _is_informational(spec: SheetSpec, cell) -> bool:
    return any(part in spec.informational for part in _parts(cell))


def _parts(cell) -> list[str]:
    # "Value / Värde" is the template's bilingual header; either half names the column.
    return [normalise_header(part) for part in str(cell).split("/")] + [normalise_header(cell)]
