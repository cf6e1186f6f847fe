"""Problems found in a terms document, each at a JSON path, and the error that carries them."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.terms.values import UnknownField

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# marshmallow's stock sentences, reworded for a contract manager.
STOCK_MESSAGES = {
    "Missing data for required field.": "is required but missing",
    "Not a valid list.": "must be a list",
    "Field may not be null.": "must not be null; leave the field out instead",
    "Invalid input type.": "must be an object",
    "Not a valid string.": "must be text (a JSON string)",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (a JSON path such as `$.terms[2].at`) and what."""

    path: str
    message: str


class TermsError(ValueError):
    """A terms document was refused; `problems` lists every reason, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{p.path}: {p.message}" for p in self.problems]
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the terms document has {count} {noun}:\n" + "\n".join(lines))


def child(path: str, key: str | int) -> str:
    """The JSON path of `key` under `path`: `$.a[2].b`, or `$.a["2027"]` for non-names."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def problems_from_messages(messages, path: str = "$") -> Iterator[Problem]:
    """Flatten marshmallow's nested error messages into problems with JSON paths."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            where = path if key == "_schema" else child(path, key)
            if isinstance(sub, list) and any(isinstance(m, UnknownField) for m in sub):
                yield Problem(
                    where, next(m for m in sub if isinstance(m, UnknownField)).sentence(str(key))
                )
            else:
                yield from problems_from_messages(sub, where)
    elif isinstance(messages, list):
        for message in messages:
            yield from problems_from_messages(message, path)
    else:
        yield Problem(path, STOCK_MESSAGES.get(str(messages), str(messages)))


def document_order(document: object) -> dict[str, int]:
    """Number every path in the document in reading order, to sort problems the same way."""
    order: dict[str, int] = {}

    def walk(node, path):
        order[path] = len(order)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, child(path, str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, child(path, index))

    walk(document, "$")
    return order


def in_document_order(problems: list[Problem], document: object) -> list[Problem]:
    """Sort problems by where they are in the document (a missing field at its parent)."""
    if not problems:
        return []
    order = document_order(document)

    def position(problem: Problem) -> int:
        path = problem.path
        while path not in order:
            parent = re.sub(r"(\.[A-Za-z_][A-Za-z0-9_]*|\[[^\[\]]*\])$", "", path)
            if parent == path:
                return 0
            path = parent
        return order[path]

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=position)
