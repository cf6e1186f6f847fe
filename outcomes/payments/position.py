"""What a run owes: the engine's figures per period less what earlier runs had approved (pure).

A period's *figures* are plain dicts of decimals: ``{"terms": {id: amount}, "payers": {org:
amount}, "investors": {org: {"principal", "return"}}, "provider": amount}``. The approved
position of a period is the sum of the figures every approved run owed for it; a new run owes a
period's figures in full when nothing was approved for it yet, else only the difference.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass
class Line:
    """One term's line in a run: the term's amount, or the difference from what was approved."""

    period: str
    kind: str
    term: str
    measure: str | None
    amount: Decimal
    explanation: str


@dataclass
class Owed:
    """What a run owes: its lines and, per period, the figures owed (payments or differences)."""

    lines: list[Line] = field(default_factory=list)
    allocation: dict[str, dict] = field(default_factory=dict)


def figures_of(period: dict, guarantees: list[dict], payers: list[str]) -> dict:
    """The figures of one answer period as decimals (guarantee payments count as principal)."""
    investors = {
        org: {"principal": Decimal(f["principal"]), "return": Decimal(f["return"])}
        for org, f in period.get("investors", {}).items()
    }
    payer_amounts = {org: Decimal(amount) for org, amount in period["payers"].items()}
    for payment in guarantees:
        entry = investors.setdefault(payment["investor"], {"principal": ZERO, "return": ZERO})
        entry["principal"] += Decimal(payment["amount"])
        if payment["by"] in payers:
            payer_amounts[payment["by"]] = payer_amounts.get(payment["by"], ZERO) + Decimal(
                payment["amount"]
            )
    return {
        "terms": {t["term"]: Decimal(t["amount"]) for t in period["terms"]},
        "payers": payer_amounts,
        "investors": investors,
        "provider": Decimal(period.get("provider", "0")),
    }


def add(a: dict, b: dict, sign: int = 1) -> dict:
    """The sum of two figures (or the difference, with sign -1), key by key."""
    return {
        "terms": _add_flat(a["terms"], b["terms"], sign),
        "payers": _add_flat(a["payers"], b["payers"], sign),
        "investors": {
            org: _add_flat(
                a["investors"].get(org, {"principal": ZERO, "return": ZERO}),
                b["investors"].get(org, {"principal": ZERO, "return": ZERO}),
                sign,
            )
            for org in {**a["investors"], **b["investors"]}
        },
        "provider": a["provider"] + sign * b["provider"],
    }


def _add_flat(a: dict, b: dict, sign: int) -> dict:
    return {key: a.get(key, ZERO) + sign * b.get(key, ZERO) for key in {**a, **b}}


def is_zero(figures: dict) -> bool:
    """Whether every amount in the figures is zero."""
    flat = list(figures["terms"].values()) + list(figures["payers"].values())
    flat += [v for f in figures["investors"].values() for v in f.values()]
    return all(v == 0 for v in flat) and figures["provider"] == 0


def owed_by_run(answer: dict, period_label: str, approved: dict[str, dict], payers) -> Owed:
    """What a run through ``period_label`` owes, given the approved position per period."""
    owed = Owed()
    last = answer["periods"][-1]["period"] if answer["periods"] else None
    for period in answer["periods"]:
        label = period["period"]
        guarantees = answer["guarantees"] if label == last else []
        new = figures_of(period, guarantees, payers)
        if label not in approved:
            if label == period_label:
                owed.allocation[label] = new
                owed.lines += [
                    _line(label, "payment", t, Decimal(t["amount"])) for t in period["terms"]
                ]
            continue
        difference = add(new, approved[label], -1)
        if is_zero(difference):
            continue
        owed.allocation[label] = difference
        owed.lines += _adjustment_lines(label, period, approved[label], difference)
    return owed


def _adjustment_lines(label: str, period: dict, was: dict, difference: dict) -> list[Line]:
    lines = []
    for term in period["terms"]:
        change = difference["terms"].get(term["term"], ZERO)
        if change == 0:
            continue
        before = was["terms"].get(term["term"], ZERO)
        note = f"adjustment: {before} was approved, now {term['amount']}; {term['explanation']}"
        lines.append(_line(label, "adjustment", term, change, note))
    if not lines:
        # The terms did not change but the split did (e.g. a yearly cap or the waterfall).
        lines.append(
            Line(label, "adjustment", "-", None, ZERO, "adjustment of payers or investors only")
        )
    return lines


def _line(label: str, kind: str, term: dict, amount: Decimal, explanation: str = "") -> Line:
    return Line(
        label, kind, term["term"], term["measure"], amount, explanation or term["explanation"]
    )


def totals(allocation: dict[str, dict]) -> dict:
    """The sum over periods of what a run owes."""
    total = empty()
    for figures in allocation.values():
        total = add(total, figures)
    return total


def empty() -> dict:
    """Figures with nothing in them."""
    return {"terms": {}, "payers": {}, "investors": {}, "provider": ZERO}


def dumps_allocation(allocation: dict[str, dict]) -> str:
    """The allocation as JSON text with decimal strings and sorted keys."""
    return json.dumps(allocation, default=_plain, sort_keys=True, separators=(",", ":"))


def loads_allocation(text: str) -> dict[str, dict]:
    """The allocation back from its JSON text, amounts as decimals."""
    return json.loads(text, parse_float=Decimal, object_hook=_decimals)


def _decimals(obj: dict) -> dict:
    return {k: Decimal(v) if isinstance(v, str) else v for k, v in obj.items()}


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot write {type(value).__name__}")


def basis_of(approved: dict[str, dict]) -> str:
    """A fingerprint of the approved position a run was computed against."""
    return hashlib.sha256(dumps_allocation(approved).encode("utf-8")).hexdigest()
