"""Cell values at the boundary: text, exact Decimals and dates, never floats (pure)."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: Excel's 1900 date system counts days from 1899-12-30 (it keeps Lotus's 1900 leap day).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
#: Serial numbers accepted as dates in a date column: 1990-01-01 to 2099-12-31.
SERIAL_RANGE = range(32874, 73415)
#: Significant digits Excel keeps and shows.
EXCEL_DIGITS = 15
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_GROUPED_POINT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "januari", "january"),
            ("feb", "februari", "february"),
            ("mar", "mars", "march"),
            ("apr", "april"),
            ("maj", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("aug", "augusti", "august"),
            ("sep", "sept", "september"),
            ("okt", "oct", "oktober", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


class CellError(ValueError):
    """A cell that cannot become what its column needs; the message ends the sentence."""


@dataclass(frozen=True, slots=True)
class Number:
    """A number read from a cell; `percent` says it was written or formatted as a percentage."""

    value: Decimal
    percent: bool = False


def is_empty(value) -> bool:
    """Say whether a cell holds nothing (None, "" or only spaces)."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def to_text(value) -> str:
    """Read a cell as text: whole numbers lose their ".0", dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def exact(value: float | int) -> Decimal:
    """Turn a numeric cell into the Decimal the officer saw: integers exact, else shortest repr."""
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        raise CellError("is not a number")
    if value.is_integer():
        return Decimal(int(value))
    # repr gives the shortest text that reads back as the same double; Excel shows at most
    # 15 significant digits, so a computed 0.30000000000000004 is the 0.3 the officer saw.
    number = Decimal(repr(value))
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        number = tidy(number.quantize(Decimal(1).scaleb(number.adjusted() - EXCEL_DIGITS + 1)))
    return number


def to_number(value, *, percent_format: bool = False) -> Number:
    """Read a numeric cell or text with a decimal comma or point, optionally ending in %."""
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a number")
    if isinstance(value, int | float):
        number = exact(value)
        return Number(tidy(number * 100), True) if percent_format else Number(number)
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellError("is a date or time, not a number")
    return _number_from_text(str(value))


def _number_from_text(text: str) -> Number:
    compact = _SPACES.sub("", text).replace("\u2212", "-")
    percent = compact.endswith("%")
    compact = compact.rstrip("%")
    plain = _plain_decimal(compact)
    if plain is None:
        raise CellError("is not a number")
    try:
        return Number(Decimal(plain), percent)
    except InvalidOperation as exc:
        raise CellError("is not a number") from exc


def _plain_decimal(text: str) -> str | None:
    # Swedish habit: one comma is the decimal comma; grouped thousands are spaces, points or commas.
    if _PLAIN.fullmatch(text):
        return text
    if _PLAIN.fullmatch(text.replace(",", ".")) and text.count(",") == 1:
        return text.replace(",", ".")
    if _GROUPED_COMMA.fullmatch(text):
        return text.replace(",", "")
    if _GROUPED_POINT.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    return None


def tidy(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (57.500 -> 57.5, 100 stays)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def to_date(value) -> datetime.date:
    """Read an Excel date, an ISO date as text, or another unambiguous common form."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a date")
    if isinstance(value, int | float):
        return _date_from_number(value)
    if isinstance(value, datetime.time | datetime.timedelta):
        raise CellError("is a time of day, not a date")
    return _date_from_text(str(value).strip())


def _date_from_number(value: float | int) -> datetime.date:
    if isinstance(value, float) and not value.is_integer():
        raise CellError("is not a date")
    whole = int(value)
    if whole in SERIAL_RANGE:
        return EXCEL_EPOCH + datetime.timedelta(days=whole)
    if 19000101 <= whole <= 20991231:
        return _date_from_text(str(whole))
    raise CellError("is not a date")


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_NAMED = re.compile(r"(\d{1,2})\.? ([a-zåäö]+)\.? (\d{4})")


def _date_from_text(text: str) -> datetime.date:
    lowered = text.casefold()
    if match := _ISO.fullmatch(text) or _COMPACT.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DOTTED.fullmatch(text):
        day, month, year = match.groups()
    elif match := _NAMED.fullmatch(lowered):
        day, name, year = match.groups()
        month = MONTHS.get(name)
        if month is None:
            raise CellError("is not a date")
    elif _SLASHED.fullmatch(text):
        raise CellError("could mean two different days (day/month or month/day)")
    else:
        raise CellError("is not a date")
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise CellError("is not a real date") from exc
