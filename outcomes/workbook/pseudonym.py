"""Keyed pseudonyms for participant ids; Swedish identity numbers are normalised first (pure).

The raw identifier never leaves this module: errors name the problem, never the number.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

# 10 or 12 digits, a -/+ before the last four or none, spaces ignored.
_IDENTITY = re.compile(r"(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})")
_SPACES = re.compile(r"\s+")
#: A coordination number (samordningsnummer) adds 60 to the day of birth.
COORDINATION_OFFSET = 60


class IdentifierError(ValueError):
    """An identifier that cannot be pseudonymised; the message never contains it."""


def pseudonym_for(identifier: str, key: bytes) -> bytes:
    """Return the HMAC-SHA256 digest (32 bytes) of the normalised identifier under the key."""
    normal = normalise_identifier(identifier)
    return hmac.digest(key, normal.encode("utf-8"), hashlib.sha256)


def normalise_identifier(identifier: str) -> str:
    """Reduce an identity number to YYMMDDNNNC (so 10- and 12-digit forms link); keep other ids."""
    text = _SPACES.sub("", identifier)
    if text == "":
        raise IdentifierError("is empty; write the participant's identifier.")
    match = _IDENTITY.fullmatch(text)
    if match is None or not _looks_like_a_birth_date(match):
        return text
    century, year, month, day, separator, serial = match.groups()
    problem = _birth_date_problem(century, f"{year}{month}{day}", separator)
    if problem:
        raise IdentifierError(
            f"looks like a Swedish personal identity number but its date of birth {problem}; "
            "correct the number (it is not shown here, to protect the person)."
        )
    ten = f"{year}{month}{day}{serial}"
    if not luhn.is_valid(ten):
        raise IdentifierError(
            "looks like a Swedish personal identity number but its check digit is wrong; "
            "correct the number (it is not shown here, to protect the person)."
        )
    # The century is dropped on purpose: 10- and 12-digit forms of one person must link, and
    # the 10-digit century depends on the day a file is read.
    return ten


def _looks_like_a_birth_date(match: re.Match) -> bool:
    century, _, month, day, _, _ = match.groups()
    if century is not None and century not in ("18", "19", "20"):
        return False
    return 1 <= int(month) <= 12 and (1 <= int(day) <= 31 or 61 <= int(day) <= 91)


@functools.lru_cache(maxsize=65_536)
def _birth_date_problem(century: str | None, yymmdd: str, separator: str) -> str:
    # Cached: a million participants share some tens of thousands of birth dates.
    day = int(yymmdd[4:6])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    as_personnummer = f"{century or ''}{yymmdd[:4]}{day:02d}{separator or '-'}0000"
    try:
        born = personnummer.get_birth_date(as_personnummer)
    except ValidationError:
        return "is not a real date"
    if born > datetime.date.today():
        return "is in the future"
    return ""
