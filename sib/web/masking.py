"""What a page may show of identifiers: short pseudonyms and hashes, never an identity number."""

import re

#: a 64-character hex digest (a participant pseudonym, a file or chain hash)
_LONG_HEX = re.compile(r"\b([0-9a-fA-F]{8})[0-9a-fA-F]{56}\b")
#: a Swedish personal identity number, with or without century and separator
_IDENTITY = re.compile(r"\b(?:\d{2})?\d{6}[-+]?\d{4}\b")


def short_hash(value) -> str:
    """The first 8 hex digits of a digest or pseudonym, enough to tell them apart on a page."""
    return "" if value is None else str(value)[:8]


def masked(value) -> str:
    """Free text with every long digest shortened and anything like an identity number hidden."""
    if value is None:
        return ""
    text = _LONG_HEX.sub(lambda m: m.group(1) + "…", str(value))
    return _IDENTITY.sub("••••••-••••", text)
