"""Participant-level outcomes: which rows count, and the per-participant cap (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from contracts.engine.inputs import Row


@dataclass(frozen=True)
class UnitEvent:
    """A counted row that is a rate card's unit: what it is worth at its unit price."""

    term_index: int
    row: Row
    value: Decimal


def first_row_indexes(rows: Iterable[Row]) -> frozenset[int]:
    """Return the input positions of each participant's first row per metric.

    Args:
        rows: every participant row of the input.

    Returns:
        The ``index`` of the earliest row (by ``achieved_on``, then input order) of each
        participant for each metric.
    """
    first: dict[tuple[str, str], Row] = {}
    for row in sorted(rows, key=lambda r: (r.achieved_on, r.index)):
        first.setdefault((row.metric, row.participant), row)
    return frozenset(r.index for r in first.values())


def counted_by_period(rows: Iterable[Row], firsts: frozenset[int], metric: str, repeatable):
    """Return the rows counted for a metric, per period, each in achieved_on order.

    Args:
        rows: every participant row of the input.
        firsts: the indexes of first rows (from `first_row_indexes`).
        metric: the participant-level metric code.
        repeatable: count every row (``True``) or first rows only.

    Returns:
        ``{period label: [rows by achieved_on, then input order]}``.
    """
    chosen = [r for r in rows if r.metric == metric and (repeatable or r.index in firsts)]
    by_period: dict[str, list[Row]] = {}
    for row in sorted(chosen, key=lambda r: (r.achieved_on, r.index)):
        by_period.setdefault(row.period, []).append(row)
    return by_period


def apply_participant_cap(
    events: list[UnitEvent], cap: Decimal | None, paid: dict[str, Decimal]
) -> list[UnitEvent]:
    """Cut unit values so no participant is paid more than ``cap`` over the contract.

    Outcomes are taken in ``achieved_on`` order (ties: term order, then input order); the one
    that crosses the cap is cut to what remains, later ones pay nothing.

    Args:
        events: the period's unit events across all participant-level rate cards.
        cap: ``caps.per_participant``, or None for no cap.
        paid: what each participant has been paid so far; updated in place.

    Returns:
        The events with their values cut, in the order given.
    """
    if cap is None:
        return events
    cut: dict[int, Decimal] = {}
    ordered = sorted(
        range(len(events)),
        key=lambda i: (events[i].row.achieved_on, events[i].term_index, events[i].row.index),
    )
    for i in ordered:
        event = events[i]
        who = event.row.participant
        room = max(cap - paid.get(who, Decimal(0)), Decimal(0))
        value = min(event.value, room)
        cut[i] = value
        paid[who] = paid.get(who, Decimal(0)) + value
    return [UnitEvent(e.term_index, e.row, cut[i]) for i, e in enumerate(events)]
