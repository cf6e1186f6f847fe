"""Errors the pure engine raises: bad input reported as data, every problem at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in the engine's input: where it is (a JSON path) and what is wrong."""

    path: str
    message: str


class InputError(ValueError):
    """The outcome values cannot be settled; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "; ".join(f"{p.path}: {p.message}" for p in self.problems)
        super().__init__(f"the outcome values have {len(self.problems)} problem(s): {lines}")
