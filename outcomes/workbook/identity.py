"""Swedish personal identity numbers found in free text, and masked there (pure).

Personnummer and samordningsnummer (day of birth plus 60), with or without the century, with
`-`, `+` or nothing before the last four digits, spaces allowed. A number counts when its date
part could be a day of birth; the check digit is not required, since a mistyped number is still
somebody's number. Organisation numbers (third digit 2 or more, so no month) are left alone.
"""

from __future__ import annotations

import re

HIDDEN = "***"
#: Excel refuses * in a sheet name, so a masked sheet name uses this instead.
HIDDEN_IN_SHEET_NAME = "###"
#: Dashes a word processor may put in place of the hyphen.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
CANDIDATE = re.compile(
    r"(?<![\d])(?P<century>\d{2})?(?P<date>\d{6})\s*[-+" + _DASHES + r"]?\s*(?P<serial>\d{4})(?!\d)"
)
#: The centuries a 12-digit form may start with.
CENTURIES = frozenset({"18", "19", "20"})
COORDINATION_OFFSET = 60


def is_identity_number(match: re.Match) -> bool:
    """Say whether a CANDIDATE match could be a personal or coordination number."""
    century, date = match.group("century"), match.group("date")
    if century is not None and century not in CENTURIES:
        return False
    month, day = int(date[2:4]), int(date[4:6])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    return 1 <= month <= 12 and 1 <= day <= 31


def mask_text(text: str, hidden: str = HIDDEN) -> str:
    """Replace every identity number in the text by `hidden`."""
    if not _may_hold_one(text):
        return text
    return CANDIDATE.sub(lambda m: hidden if is_identity_number(m) else m.group(0), text)


def mask_sheet_name(name: str) -> str:
    """A sheet name with its identity numbers masked, still a valid sheet name."""
    return mask_text(name, HIDDEN_IN_SHEET_NAME)


def count_in(text: str) -> int:
    """How many identity numbers the text holds."""
    if not _may_hold_one(text):
        return 0
    return sum(1 for m in CANDIDATE.finditer(text) if is_identity_number(m))


def _may_hold_one(text: str) -> bool:
    # Ten digits at least: most free text has none, and this test is far cheaper than the regex.
    return sum(ch.isdigit() for ch in text) >= 10 if len(text) < 64 else True
