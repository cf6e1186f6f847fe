"""Caps on a period's term amounts: per period, per group, overall and investor capacity (pure)."""

from __future__ import annotations

from decimal import Decimal

from contracts.engine.evaluate import TermRun
from contracts.engine.money import format_decimal as fmt
from contracts.engine.money import split

ZERO = Decimal(0)


def cap_per_period(run: TermRun) -> None:
    """Step 1: hold the term's amount to its ``cap_per_period``.

    Args:
        run: the term's record; its ``amount`` is cut and the cap noted when it binds.
    """
    cap = run.term.cap_per_period
    if cap is not None and run.amount > cap:
        run.caps.append(f"cap_per_period {fmt(cap)} bound (cut from {fmt(run.amount)})")
        run.amount = cap


def group_cap(run: TermRun, cap: Decimal | None, memory: Decimal) -> None:
    """Step 2: hold the term's amount to what its group's cap leaves after the memory.

    Args:
        run: the term's record.
        cap: the smallest ``cap_total`` in the term's group, or None.
        memory: the group's amounts so far (earlier periods and earlier terms of this one).
    """
    if cap is None or run.amount <= cap - memory:
        return
    left = cap - memory
    what = "cap_total" if run.term.group.startswith("term:") else "group cap_total"
    run.caps.append(
        f"{what} {fmt(cap)} bound: {fmt(memory)} already earned leaves {fmt(left)} "
        f"(cut from {fmt(run.amount)})"
    )
    run.amount = left


def reduce_pro_rata(runs: list[TermRun], room: Decimal, exponent: int, cap_name: str) -> None:
    """Steps 4 and 5: cut the period's total to ``room``, pro rata to positive amounts.

    The reduction is split by the largest-remainder method on the minor unit, ties to the
    earlier term, and each cut term notes the cap that bound.

    Args:
        runs: the period's paying terms in document order, amounts in whole minor units.
        room: the most the period may total (at least zero).
        exponent: the currency's minor-unit exponent.
        cap_name: how the explanation names the cap.
    """
    total = sum((r.amount for r in runs), ZERO)
    room = max(room, ZERO)
    if total <= room:
        return
    weights = [(str(i), r.amount) for i, r in enumerate(runs) if r.amount > 0]
    cuts = split(total - room, weights, exponent)
    for key, cut in cuts.items():
        run = runs[int(key)]
        if cut > 0:
            run.caps.append(f"{cap_name} bound (cut {fmt(cut)} of the period's {fmt(total)})")
            run.amount -= cut
