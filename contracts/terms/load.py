"""Load a sib-terms/1 document: parse, check shape and meaning, report every problem at once."""

import json
from functools import lru_cache

from contracts.engine.public import Contract, parse_contract
from contracts.terms.problems import (
    Problem,
    TermsError,
    child,
    in_document_order,
    problems_from_messages,
)
from contracts.terms.references import reference_problems
from contracts.terms.schemas import DocumentSchema
from contracts.terms.term_rules import term_problems

__all__ = ["Problem", "TermsError", "load_terms", "load_terms_text", "stored_terms"]


def load_terms(document: object) -> Contract:
    """Return the engine's typed contract of a valid terms document, else raise TermsError.

    The contract keeps the document itself (`Contract.document`, unchanged) as the record for
    export, audit and the digest.
    """
    problems = _document_problems(document)
    if problems:
        raise TermsError(problems)
    return parse_contract(document)


def load_terms_text(text: str | bytes) -> Contract:
    """Parse JSON text (refusing repeated keys) and load it as a terms document.

    This is the one place a terms document's JSON text is read.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")  # a byte order mark is tolerated, as RFC 8259 allows
        except UnicodeDecodeError as error:
            raise TermsError(
                [Problem("$", f"the file is not UTF-8 text ({error.reason} at byte {error.start})")]
            ) from None
    try:
        document = json.loads(
            text.removeprefix("\ufeff"), object_pairs_hook=_keyed_object, parse_constant=_NotJson
        )
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise TermsError([Problem("$", message)]) from None
    except RecursionError:
        raise TermsError([Problem("$", "the JSON is nested too deeply to read")]) from None
    found = list(_parse_problems(document, "$"))
    problems = in_document_order(found + _document_problems(document), document)
    if problems:
        raise TermsError(problems)
    return parse_contract(document)


def _document_problems(document: object) -> list[Problem]:
    if not isinstance(document, dict):
        return [Problem("$", "a terms document must be a JSON object")]
    problems = list(problems_from_messages(DocumentSchema().validate(document)))
    problems += reference_problems(document)
    problems += term_problems(document)
    return in_document_order(problems, document)


def _keyed_object(pairs: list[tuple[str, object]]) -> dict:
    """Build a JSON object, remembering any key given twice (the later value would win)."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) == len(keys):
        return dict(pairs)
    return _RepeatedKeys(pairs, [key for i, key in enumerate(keys) if key in keys[:i]])


class _RepeatedKeys(dict):
    """A parsed JSON object in which some keys appeared more than once."""

    def __init__(self, pairs, repeated):
        super().__init__(pairs)
        self.repeated = list(dict.fromkeys(repeated))


class _NotJson:
    """Python's reader accepts NaN and Infinity; JSON does not, so they are marked and refused."""

    def __init__(self, constant: str):
        self.constant = constant


def _parse_problems(node, path):
    if isinstance(node, _RepeatedKeys):
        for key in node.repeated:
            yield Problem(
                child(path, key),
                f'"{key}" appears more than once in the same '
                "object; keep one, as readers may pick either",
            )
    if isinstance(node, _NotJson):
        yield Problem(path, f"{node.constant} is not a JSON value; write a decimal as text")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _parse_problems(value, child(path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _parse_problems(value, child(path, index))


def stored_terms(text: str) -> Contract:
    """The typed contract of a terms document stored after validation (not validated again).

    Stored versions never change, so parsing is remembered per text: every caller of one
    version shares one frozen contract.
    """
    return _stored(text)


@lru_cache(maxsize=512)
def _stored(text: str) -> Contract:
    return parse_contract(json.loads(text))
