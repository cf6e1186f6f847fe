"""Keyed pseudonyms for participant identifiers; Swedish identity numbers are normalised first (pure).

The raw identifier never leaves this module: errors name the problem, never the number.
"""

from __future__ import annotations

import datetime
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


def pseudonym_for(identifier: str, key: bytes) -> str:
    """Return the hex HMAC-SHA256 of the normalised identifier under the key."""
    normal = normalise_identifier(identifier)
    return hmac.digest(key, normal.encode("utf-8"), hashlib.sha256).hex()


def normalise_identifier(identifier: str) -> str:
    """Reduce an identity number to YYMMDDNNNC (so 10- and 12-digit forms link); keep other ids."""
    text = _SPACES.sub("", identifier)
    if text == "":
        raise IdentifierError("is empty; write the participant's identifier.")
    match = _IDENTITY.fullmatch(text)
    if match is None or not _looks_like_a_birth_date(match):
        return text
    century, year, month, day, separator, serial = match.groups()
    ten = f"{year}{month}{day}{serial}"
    _check_birth_date(century, ten, separator)
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


def _check_birth_date(century: str | None, ten: str, separator: str) -> None:
    day = int(ten[4:6])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    as_personnummer = f"{century or ''}{ten[:4]}{day:02d}{separator or '-'}{ten[6:]}"
    try:
        born = personnummer.get_birth_date(as_personnummer)
    except ValidationError as exc:
        raise IdentifierError(
            "looks like a Swedish personal identity number but its date of birth is not a "
            "real date; correct the number (it is not shown here, to protect the person)."
        ) from exc
    if born > datetime.date.today():
        raise IdentifierError(
            "looks like a Swedish personal identity number but its date of birth is in the "
            "future; correct the number (it is not shown here, to protect the person)."
        )
