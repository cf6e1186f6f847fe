"""Which sheets of a workbook are read, and what is said about the others (pure).

Nothing is left out silently: a hidden data sheet, a second sheet of the same kind and a data
sheet under a name the reader does not know are problems; any other sheet the officer added is
listed as ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from outcomes.workbook.cells import is_empty
from outcomes.workbook.headers import SPECS, SheetSpec, match_headers, normalise_header, sheet_spec
from outcomes.workbook.identity import mask_sheet_name
from outcomes.workbook.limits import DamagedWorkbookError
from outcomes.workbook.results import ErrorList, row_error

#: The template's own sheets besides the data sheets, in English and Swedish.
TEMPLATE_SHEETS = frozenset({"instructions", "instruktioner", "lists", "listor"})
#: How far down an unknown sheet is searched for a header row.
HEADER_SEARCH_ROWS = 50


@dataclass(slots=True)
class SheetChoice:
    """The data sheet read for each kind, and what was said about the rest."""

    #: SheetSpec -> the sheet's name in the workbook
    data: dict[SheetSpec, str] = field(default_factory=dict)
    #: data sheets not read because they are hidden or misnamed (each also an error)
    refused: list[str] = field(default_factory=list)
    #: other sheets, not read (names with identity numbers masked)
    ignored: tuple[str, ...] = ()


def choose_sheets(reader, states: dict[str, str], errors: ErrorList) -> SheetChoice:
    """Pick one visible sheet per kind; report hidden, doubled and misnamed data sheets."""
    choice, ignored = SheetChoice(), []
    for name in reader.sheet_names:
        spec = sheet_spec(name)
        if spec is None:
            _unknown(reader, name, choice, ignored, errors)
        elif states.get(name, "visible") != "visible":
            choice.refused.append(name)
            errors.add(_sheet_error(name, "the sheet is hidden, so what you see is not what "
                       "would be submitted; unhide it (right-click a sheet tab, Unhide) or "
                       "delete it, and upload the file again."))  # fmt: skip
        elif spec in choice.data:
            first = mask_sheet_name(choice.data[spec])
            errors.add(_sheet_error(name, f"this is a second {spec.english} sheet besides "
                       f"{first}, and only one is read; move its rows into {first} and delete "
                       "this sheet, so that no figures are left out."))  # fmt: skip
        else:
            choice.data[spec] = name
    choice.ignored = tuple(ignored)
    return choice


def _unknown(reader, name: str, choice: SheetChoice, ignored: list, errors: ErrorList) -> None:
    if normalise_header(name) in TEMPLATE_SHEETS:
        return
    spec = _looks_like(reader, name)
    if spec is None:
        ignored.append(mask_sheet_name(name))
        return
    choice.refused.append(name)
    errors.add(_sheet_error(name, f"the sheet has the header row of the {spec.english} sheet, "
               f"but it is not named {spec.english} ({spec.swedish}), so it would not be read; "
               f"rename it {spec.english} (and delete any other {spec.english} sheet), or "
               "delete it."))  # fmt: skip


def _looks_like(reader, name: str) -> SheetSpec | None:
    """The kind of data sheet whose required headers the sheet's first non-empty row holds."""
    try:
        for _, number, values in reader.rows(name):
            if number > HEADER_SEARCH_ROWS:
                return None
            if all(is_empty(v) for v in values):
                continue
            return next((spec for spec in SPECS if _has_every_column(spec, values)), None)
    except DamagedWorkbookError:
        return None  # a chart sheet or the like: nothing to read, so nothing lost
    return None


def _has_every_column(spec: SheetSpec, values) -> bool:
    match = match_headers(spec, values, areas_required=False)
    return not any(position is None for position, _ in match.problems)


def _sheet_error(name: str, reason: str):
    return row_error(mask_sheet_name(name), None, None, None, reason)
