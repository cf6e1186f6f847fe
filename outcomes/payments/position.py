"""What a run owes: the engine's typed answer per period less what earlier runs approved (pure).

A period's *figures* are nested dicts of decimals taken from the engine's answer, never
re-derived: ``terms`` {term: amount}; ``moves`` {payer: {line kind: signed amount}} (what step 7
moved into or out of the period, signed as it adds to what the payer owes); ``payers`` {payer:
owed}; ``guarantees`` {guarantor: {investor: amount}}; ``investors`` {investor: {principal,
return, guarantee}}; ``provider``. The approved position of a period is the sum of the figures
every approved run owed for it; a new run owes a period's figures in full when nothing was
approved for it yet, else only the difference. By construction, for every run and period:

    sum(lines) = sum(payers) + sum(guarantees) = sum(investors) + provider
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.engine.public import (
    Answer,
    Contract,
    GuaranteePayment,
    PeriodAnswer,
    format_decimal,
)

ZERO = Decimal(0)
#: step 7's movements, in the order their lines are listed
MOVE_KINDS = ("carried", "deficit_netted", "held_back", "deficit_carried")


@dataclass
class Line:
    """One line of a run: a term's amount or change, a yearly-cap movement, or a guarantee."""

    period: str
    kind: str
    term: str
    measure: str | None
    amount: Decimal
    explanation: str
    organisation: str | None = None
    investor: str | None = None


@dataclass
class Owed:
    """What a run owes: its lines and, per period, the figures owed (payments or differences)."""

    lines: list[Line] = field(default_factory=list)
    allocation: dict[str, dict] = field(default_factory=dict)


def figures_of(period: PeriodAnswer, guarantees: tuple[GuaranteePayment, ...] = ()) -> dict:
    """The figures of one settled period, with the guarantees that settle on it."""
    investors = {
        s.investor: {"principal": s.principal, "return": s.return_, "guarantee": ZERO}
        for s in period.investors
    }
    paid: dict[str, dict[str, Decimal]] = {}
    for g in guarantees:
        to = paid.setdefault(g.by, {})
        to[g.investor] = to.get(g.investor, ZERO) + g.amount
        entry = investors.setdefault(
            g.investor, {"principal": ZERO, "return": ZERO, "guarantee": ZERO}
        )
        entry["guarantee"] += g.amount
    return {
        "terms": {line.term: line.amount for line in period.terms},
        "moves": {p.payer: _moves(p) for p in period.payers},
        "payers": {p.payer: p.owed for p in period.payers},
        "guarantees": paid,
        "investors": investors,
        "provider": period.provider,
    }


def _moves(line) -> dict[str, Decimal]:
    # Signed as each adds to what the payer owes: owed = due + the sum of these.
    return {
        "carried": line.carried,
        "deficit_netted": line.netted,
        "held_back": -line.held_back,
        "deficit_carried": -line.deficit,
    }


def add(a: dict, b: dict, sign: int = 1) -> dict:
    """The sum of two figures (or the difference, with sign -1), key by key, at every depth."""
    out = {}
    for key in {**a, **b}:
        x, y = a.get(key), b.get(key)
        if isinstance(x, dict) or isinstance(y, dict):
            out[key] = add(x or {}, y or {}, sign)
        else:
            out[key] = (x or ZERO) + sign * (y or ZERO)
    return out


def is_zero(figures: dict) -> bool:
    """Whether every amount in the figures is zero."""
    return all(is_zero(v) if isinstance(v, dict) else v == 0 for v in figures.values())


def sum_of(figures: dict) -> Decimal:
    """The sum of every amount at any depth of a figures entry (e.g. all payers)."""
    return sum((sum_of(v) if isinstance(v, dict) else v for v in figures.values()), ZERO)


def owed_by_run(answer: Answer, period_label: str, approved: dict[str, dict]) -> Owed:
    """What a run through ``period_label`` owes, given the approved position per period."""
    owed = Owed()
    last = answer.periods[-1].label if answer.periods else None
    for period in answer.periods:
        label = period.label
        new = figures_of(period, answer.guarantees if label == last else ())
        if label not in approved:
            if label == period_label:
                owed.allocation[label] = new
                owed.lines += _lines(answer.contract, period, new, None)
            continue
        difference = add(new, approved[label], -1)
        if is_zero(difference):
            continue
        owed.allocation[label] = difference
        owed.lines += _lines(answer.contract, period, difference, approved[label])
    return owed


def _lines(contract: Contract, period: PeriodAnswer, owed: dict, was: dict | None) -> list[Line]:
    # The period's lines in full (`was` None) or as differences from what was approved.
    label = period.label
    lines = []
    for term in period.terms:
        change = owed["terms"].get(term.term, ZERO)
        if was is None:
            lines.append(Line(label, "payment", term.term, _text(term.measure), change,
                              term.explanation))  # fmt: skip
        elif change != 0:
            before = was["terms"].get(term.term, ZERO)
            note = f"adjustment: {before} was approved, now {term.amount}; {term.explanation}"
            lines.append(Line(label, "adjustment", term.term, _text(term.measure), change, note))
    listed = {term.term for term in period.terms}
    for term, change in owed["terms"].items():
        if term not in listed and change != 0:
            # An amendment took the term out of the period: what was approved for it is undone.
            note = (f"adjustment: {was['terms'].get(term, ZERO)} was approved; the term no "
                    f"longer applies in this period under the terms in force")  # fmt: skip
            lines.append(Line(label, "adjustment", term, None, change, note))
    for payer, moves in owed["moves"].items():
        for kind in MOVE_KINDS:
            amount = moves.get(kind, ZERO)
            if amount != 0:
                note = _move_note(contract, period, payer, kind, amount)
                lines.append(Line(label, kind, "-", None, amount, _adjusted(note, was), payer))
    for by, paid in owed["guarantees"].items():
        for investor, amount in paid.items():
            if amount != 0:
                note = _guarantee_note(contract, by, investor, amount, period)
                lines.append(Line(label, "guarantee", "-", None, amount, _adjusted(note, was),
                                  by, investor))  # fmt: skip
    if was is not None and not lines:
        # Nothing a line shows changed, but the split did (e.g. amended shares or the waterfall).
        lines.append(
            Line(label, "adjustment", "-", None, ZERO, "adjustment of payers or investors only")
        )
    return lines


def _adjusted(note: str, was: dict | None) -> str:
    return note if was is None else f"adjustment: {note}"


def _move_note(contract: Contract, period: PeriodAnswer, payer: str, kind: str, amount) -> str:
    year = period.payment_on.year
    cap = contract.yearly_caps.get(payer)
    cap_text = f"its yearly_cap of {cap} for {year}" if cap is not None else "no yearly cap"
    if kind == "held_back":
        return (f"{payer}: {-amount} over {cap_text} held back and carried to its first period "
                f"paid in a later year (TERMS.md step 7)")  # fmt: skip
    if kind == "carried":
        return (f"{payer}: {amount} held back under its yearly_cap in an earlier year, carried "
                f"into this period (TERMS.md step 7)")  # fmt: skip
    if kind == "deficit_carried":
        return (f"{payer}: its total for the period came to -{amount}; the negative balance is "
                f"carried forward and netted against later periods, never charged back to "
                f"investors (TERMS.md step 7)")  # fmt: skip
    return (f"{payer}: a negative balance of {amount} from earlier periods netted here "
            f"(TERMS.md step 7)")  # fmt: skip


def _guarantee_note(contract: Contract, by: str, investor: str, amount, period) -> str:
    shares = [f"{g.share_of_principal}" for g in contract.guarantees if g.by == by]
    return (f"guarantee: {by} pays {investor} {amount}, the shortfall of its principal received "
            f"against {' and '.join(shares)} of the principal drawn, on {period.payment_on} "
            f"(TERMS.md Guarantees)")  # fmt: skip


def _text(measure: Decimal | None) -> str | None:
    return None if measure is None else format_decimal(measure)


def totals(allocation: dict[str, dict]) -> dict:
    """The sum over periods of what a run owes."""
    total = empty()
    for figures in allocation.values():
        total = add(total, figures)
    return total


def empty() -> dict:
    """Figures with nothing in them."""
    return {"terms": {}, "moves": {}, "payers": {}, "guarantees": {}, "investors": {},
            "provider": ZERO}  # fmt: skip


def dumps_allocation(allocation: dict[str, dict]) -> str:
    """The allocation as JSON text with decimal strings and sorted keys."""
    return json.dumps(allocation, default=_plain, sort_keys=True, separators=(",", ":"))


def loads_allocation(text: str) -> dict[str, dict]:
    """The allocation back from its JSON text, amounts as decimals (older runs filled in)."""
    allocation = json.loads(text, parse_float=Decimal, object_hook=_decimals)
    return {label: add(empty(), figures) for label, figures in allocation.items()}


def _decimals(obj: dict) -> dict:
    return {k: Decimal(v) if isinstance(v, str) else v for k, v in obj.items()}


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot write {type(value).__name__}")


def basis_of(approved: dict[str, dict]) -> str:
    """A fingerprint of the approved position a run was computed against."""
    return hashlib.sha256(dumps_allocation(approved).encode("utf-8")).hexdigest()
