"""Upload file names as kept: no control characters, no identity numbers, within the column."""

import re
import unicodedata

from outcomes.workbook.identity import mask_text

#: Characters of the `submissions.file_name` column.
MAX_NAME_CHARS = 255
DEFAULT_NAME = "workbook.xlsx"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(name: str) -> bool:
    """Say whether the name holds a NUL, a line break or another control character."""
    return bool(_CONTROL.search(name)) or any(
        unicodedata.category(ch) in ("Cc", "Cf") for ch in name if not ch.isprintable()
    )


def base_name(name: str | None) -> str:
    """The file's own name: some browsers send the whole client path."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1]


def stored_file_name(name: str | None) -> str:
    """The name as kept and shown: control characters replaced, identity numbers masked,
    shortened to the column's length with its extension kept."""
    text = _CONTROL.sub("_", base_name(name))
    text = "".join(ch if ch.isprintable() else "_" for ch in text).strip()
    text = mask_text(text) or DEFAULT_NAME
    if len(text) <= MAX_NAME_CHARS:
        return text
    stem, dot, suffix = text.rpartition(".")
    if not dot or len(suffix) > 10:
        return text[: MAX_NAME_CHARS - 1] + "…"
    return stem[: MAX_NAME_CHARS - len(suffix) - 2] + "…." + suffix
