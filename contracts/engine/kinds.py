"""The term kinds: tiered, linear and the rate card's earnings curve (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from contracts.engine.measures import reaches
from contracts.engine.model import Step, Term
from contracts.engine.money import format_decimal as fmt

ZERO = Decimal(0)


def tiered(term: Term, measure: Decimal, higher: bool, name: str) -> tuple[Decimal, str]:
    """Pay the ``pay`` of the most demanding tier the measure reaches.

    Args:
        term: a ``tiered`` term (tiers from least to most demanding).
        measure: the term's measure.
        higher: whether bigger is better for the measure.
        name: the measure's kind, for the explanation.

    Returns:
        The amount and the sentence saying which tier fired.
    """
    fired = None  # the last tier reached (tiers need not be reached in a row)
    for tier in term.tiers:
        if (measure >= tier[0]) if higher else (measure <= tier[0]):
            fired = tier
    if fired is None:
        first = term.tiers[0][0] if term.tiers else None
        return ZERO, f"{name} {fmt(measure)} reached no tier (the first is at {fmt(first)})"
    at, pay = fired
    return pay, f"{name} {fmt(measure)} reached the tier at {fmt(at)} (pays {fmt(pay)})"


def linear(term: Term, measure: Decimal, higher: bool, name: str) -> tuple[Decimal, str]:
    """Pay on the straight line from (floor, pay_at_floor) to (target, pay_at_target).

    Args:
        term: a ``linear`` term.
        measure: the term's measure.
        higher: whether bigger is better for the measure.
        name: the measure's kind, for the explanation.

    Returns:
        The amount and the sentence saying where on the line the measure fell.
    """
    said = f"{name} {fmt(measure)}"
    if reaches(measure, term.target, higher):
        pay = term.pay_at_target
        return pay, f"{said} reached the target {fmt(term.target)} (pays {fmt(pay)})"
    if not reaches(measure, term.floor, higher):
        if term.clamp:
            pay = term.pay_at_floor
            floor = fmt(term.floor)
            return pay, f"{said} did not reach the floor {floor} (clamped, pays {fmt(pay)})"
        return ZERO, f"{said} did not reach the floor {fmt(term.floor)} (pays nothing)"
    slope = (term.pay_at_target - term.pay_at_floor) / (term.target - term.floor)
    pay = term.pay_at_floor + (measure - term.floor) * slope
    return pay, (
        f"{said} lies between the floor {fmt(term.floor)} and the target {fmt(term.target)} "
        f"(pays {fmt(pay)} on the line)"
    )


def units_of(term: Term, measure: Decimal) -> Decimal:
    """Return a rate card's units: ``max(0, measure - floor)``, at most ``max_units``.

    Args:
        term: a ``rate_card`` term.
        measure: the (oriented) measure, or the cumulative one for brackets.

    Returns:
        The units paid for.
    """
    units = max(ZERO, measure - (term.floor or ZERO))
    if term.max_units is not None:
        units = min(units, term.max_units)
    return units


class Curve(NamedTuple):
    """What the first ``u`` units earn under a rate card's price, brackets or price steps.

    For ``price_steps``, ``thresholds`` holds for each step but the last the money still to earn
    in the period before its ``until`` is reached (zero or less: already reached). A tuple: one
    is made per rate card and period.
    """

    term: Term
    thresholds: tuple[Decimal, ...] = ()

    def earned(self, units: Decimal) -> Decimal:
        """Return what ``units`` units earn from the start of the curve."""
        if self.term.brackets:
            return _bracketed(self.term.brackets, units)
        if self.term.price_steps:
            return _stepped(self.term.price_steps, self.thresholds, units)
        return units * self.term.price

    def between(self, low: Decimal, high: Decimal) -> Decimal:
        """Return what the units from ``low`` to ``high`` earn (nothing when high <= low)."""
        return self.earned(high) - self.earned(low) if high > low else ZERO


def _bracketed(brackets, units: Decimal) -> Decimal:
    total, below = ZERO, ZERO
    for up_to, price in brackets:
        top = units if up_to is None else min(units, up_to)
        if top > below:
            total += (top - below) * price
        if up_to is None or units <= up_to:
            break
        below = up_to
    return total


def _stepped(steps: tuple[Step, ...], thresholds: tuple[Decimal, ...], units: Decimal) -> Decimal:
    earned, left = ZERO, units
    for step, threshold in zip(steps[:-1], thresholds, strict=True):
        room = threshold - earned
        if room <= 0:
            continue  # this step's `until` is already reached
        taken = left if step.price <= 0 else min(left, room / step.price)
        earned += taken * step.price
        left -= taken
        if left <= 0:
            return earned
    return earned + left * steps[-1].price
