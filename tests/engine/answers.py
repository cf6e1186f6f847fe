"""The engine's answer document for a terms document and an input, as the tests read it."""

from __future__ import annotations

import json
from collections.abc import Mapping

from contracts.engine.public import answer_document, dumps_answer, parse_contract, settle


def settled(terms: Mapping, values: Mapping) -> dict:
    """Settle a (valid) terms document and return TERMS.md's answer document."""
    return answer_document(settle(parse_contract(terms), values))


def settled_text(terms: Mapping, values: Mapping) -> str:
    """Settle a (valid) terms document and return the answer's printed bytes as text."""
    return dumps_answer(settle(parse_contract(terms), values))


def printed(document: Mapping) -> str:
    """An answer document printed as the engine prints it: sorted keys, two-space indent."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
