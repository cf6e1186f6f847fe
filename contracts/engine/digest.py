"""The digest of a settlement's inputs, so an auditor can tell the same inputs apart (pure)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping


def digest_of(terms: Mapping, values: Mapping) -> str:
    """Return the SHA-256 of the terms document and the input, serialised canonically.

    Args:
        terms: the terms document as parsed from JSON.
        values: the engine's input document.

    Returns:
        The hex digest of ``{"terms": terms, "input": values}`` with sorted keys, no whitespace.
    """
    text = json.dumps(
        {"terms": terms, "input": values},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
