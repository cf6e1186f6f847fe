"""One term in one period: its measure, its gate, and what its kind evaluates to (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from contracts.engine.kinds import Curve, linear, tiered, units_of
from contracts.engine.measures import Reading, Readings, reaches
from contracts.engine.model import Term
from contracts.engine.money import format_decimal as fmt
from contracts.engine.participants import UnitEvent

ZERO = Decimal(0)
NO_CAP_BOUND = ("no cap bound",)


@dataclass(slots=True)
class TermRun:
    """The working record of one term in one period, filled in step by step."""

    term: Term
    measure: Decimal | None = None
    gate_measure: Decimal | None = None
    pays: bool = False
    result: Decimal = ZERO  # what the kind evaluated to (cumulative: before memory)
    events: list[UnitEvent] = field(default_factory=list)  # participant units valued now
    clause: str = ""
    units: int | None = None  # participant rows counted as units (None: not per participant)
    gate_note: str = ""  # the gate that passed, said before the clause
    notes: list[str] = field(default_factory=list)  # said after the clause (memory)
    caps: list[str] = field(default_factory=list)  # caps that bound, in step order
    amount: Decimal = ZERO


class Context(NamedTuple):
    """What a term's evaluation needs beyond the metric values (a tuple: one per term-period)."""

    index: int
    earned_before: Decimal  # the term's amounts in earlier periods
    repaid_room: Decimal  # money still to earn in the period before investors are repaid
    valued: dict  # row index -> value, for rows a cumulative rate card valued earlier


def evaluate(readings: Readings, term: Term, ctx: Context) -> TermRun:
    """Evaluate a term in a period, before any cap.

    Args:
        readings: the settlement's metric values.
        term: the term.
        ctx: the period and what the term earned before.

    Returns:
        A TermRun with the measure, gate, result (or participant unit events) and clause.
    """
    run = TermRun(term)
    own = readings.measure(term.metric, term.measure, ctx.index, term.cumulative, term.repeatable)
    run.measure = value = own.value
    gate_passed = term.gate is None or _gate(readings, term, ctx.index, own, run)
    if value is None:
        run.clause = f"no value: {own.missing}; pays nothing"
    elif gate_passed:
        run.pays = True
        _kind(readings, term, ctx, value, run)
    return run


def _gate(readings: Readings, term: Term, index: int, own: Reading, run: TermRun) -> bool:
    gate = term.gate
    if gate is None:
        return True
    if gate.metric is None:
        reading, higher = own, readings.is_higher_better(term.metric, term.measure)
        what = f"{term.measure.kind} of {term.metric}"
    else:
        reading = readings.measure(gate.metric, gate.measure, index)
        higher = readings.is_higher_better(gate.metric, gate.measure)
        what = f"{gate.measure.kind} of {gate.metric}"
    run.gate_measure = reading.value
    if reading.value is None:
        run.clause = f"gate failed: {reading.missing}; pays nothing"
        return False
    if not reaches(reading.value, gate.at, higher):
        run.clause = f"gate failed: {what} {fmt(reading.value)} did not reach {fmt(gate.at)}"
        run.clause += "; pays nothing"
        return False
    run.gate_note = f"gate: {what} {fmt(reading.value)} reached {fmt(gate.at)}"
    return True


def _kind(readings: Readings, term: Term, ctx: Context, measure: Decimal, run: TermRun) -> None:
    name = "cumulative " + term.measure.kind if term.cumulative else term.measure.kind
    kind = term.kind
    if kind == "tiered":
        higher = readings.is_higher_better(term.metric, term.measure)
        run.result, run.clause = tiered(term, measure, higher, name)
    elif kind == "linear":
        higher = readings.is_higher_better(term.metric, term.measure)
        run.result, run.clause = linear(term, measure, higher, name)
    elif readings.is_per_participant(term.metric):
        _participant_card(readings, term, ctx, run)
    else:
        _aggregate_card(readings, term, ctx, measure, run, name)


def thresholds(term: Term, earned_before: Decimal, repaid_room: Decimal) -> tuple[Decimal, ...]:
    """Return, for each price step but the last, the money to earn before its ``until``.

    Args:
        term: a rate card with ``price_steps``.
        earned_before: the term's amounts in earlier periods.
        repaid_room: what the investors can still receive, less earlier terms of the period.

    Returns:
        One threshold per step but the last (zero or less means already reached).
    """
    if not term.price_steps:
        return ()
    return tuple(
        repaid_room if step.until_repaid else step.until - earned_before
        for step in term.price_steps[:-1]
    )


def _aggregate_card(readings, term, ctx: Context, measure: Decimal, run: TermRun, name) -> None:
    if not (term.brackets or term.price_steps):  # one price, the usual card: no curve to build
        units = units_of(term, measure)
        run.result = units * term.price  # what `Curve.earned` gives a single price
        run.clause = f"{name} {fmt(measure)} gives {fmt(units)} units (pays {fmt(run.result)})"
        return
    curve = Curve(term, thresholds(term, ctx.earned_before, ctx.repaid_room))
    if term.brackets and not term.cumulative:
        units, low = _bracket_units(readings, term, ctx.index)
        run.result = curve.between(low, units)
        run.clause = (
            f"{name} {fmt(measure)}: cumulative units {fmt(units)}, of which "
            f"{fmt(max(units - low, ZERO))} are new (pays {fmt(run.result)})"
        )
        return
    units = units_of(term, measure)
    run.result = curve.earned(units)
    run.clause = f"{name} {fmt(measure)} gives {fmt(units)} units (pays {fmt(run.result)})"


def _bracket_units(readings: Readings, term: Term, index: int) -> tuple[Decimal, Decimal]:
    # Units over the metric's value summed to date, whether or not the term applied; the
    # most reached in an earlier period is already paid for (a high-water mark).
    def to_date(i: int) -> Decimal:
        parts = (readings.value(term.metric, s, term.repeatable) for s in range(i + 1))
        return sum((v for v in parts if v is not None), ZERO)

    low = max((units_of(term, to_date(s)) for s in range(index)), default=ZERO)
    return units_of(term, to_date(index)), low


def _participant_card(readings: Readings, term: Term, ctx: Context, run: TermRun) -> None:
    curve = Curve(term, thresholds(term, ctx.earned_before, ctx.repaid_room))
    to_date = term.cumulative or bool(term.brackets)
    rows = readings.rows(term.metric, ctx.index, term.repeatable, to_date)
    label = readings.labels[ctx.index]
    floor, carried, run.units = term.floor or ZERO, ZERO, 0
    for position, row in enumerate(rows, start=1):
        if row.index in ctx.valued:  # a cumulative term valued this row in an earlier period
            run.units += 1
            carried += ctx.valued[row.index]
            continue
        if not (term.cumulative or row.period == label):
            continue  # brackets count earlier periods' rows but pay only for this period's
        low, high = _clip(term, position - 1 - floor), _clip(term, position - floor)
        if high > low:
            run.units += 1
            run.events.append(UnitEvent(term.index, row, curve.between(low, high)))
    run.result = carried


def _clip(term: Term, units: Decimal) -> Decimal:
    units = max(ZERO, Decimal(units))
    return units if term.max_units is None else min(units, term.max_units)


def explanation(run: TermRun) -> str:
    """Return a term's explanation: its gate, the clause that fired and each cap that bound.

    Args:
        run: the settled term.

    Returns:
        One plain-language sentence, parts separated by semicolons.
    """
    if run.clause and not (run.gate_note or run.notes or run.caps):  # the usual sentence
        return run.clause + "; no cap bound" if run.pays else run.clause
    parts = [run.gate_note, run.clause]
    if run.notes:
        parts += run.notes
    if run.pays:
        parts += run.caps or NO_CAP_BOUND
    return "; ".join(filter(None, parts))  # empty parts (no gate, no clause) are left out
