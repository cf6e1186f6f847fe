"""The most a term, or a payer's shares of a period's terms, can come to (pure)."""

from __future__ import annotations

from decimal import Decimal

from contracts.engine.model import Contract, Term
from contracts.engine.payers import shares_for

ZERO = Decimal(0)


def term_ceiling(term: Term) -> Decimal | None:
    """Return the most a term can pay in one period, from its clauses and caps.

    Args:
        term: the term.

    Returns:
        The ceiling, or None when nothing in the term bounds it (a rate card without
        ``max_units``, or with brackets or price steps, and no cap).
    """
    if term.kind == "tiered":
        ceiling = max((pay for _, pay in term.tiers), default=ZERO)
    elif term.kind == "linear":
        ceiling = max(term.pay_at_target or ZERO, term.pay_at_floor)
    elif term.price is not None and term.max_units is not None:
        ceiling = term.price * term.max_units
    else:
        ceiling = None
    caps = [c for c in (term.cap_per_period, term.cap_total) if c is not None]
    return _least(ceiling, min(caps) if caps else None)


def period_ceiling(contract: Contract, payer: str, label: str) -> Decimal | None:
    """Return the most a payer's shares of a period's terms can come to (before yearly caps).

    Args:
        contract: the contract.
        payer: the outcome payer's organisation id.
        label: the period's label.

    Returns:
        The sum of share x ceiling over the terms applying in the period, or None when one of
        them is unbounded.
    """
    total = ZERO
    for term in contract.terms:
        if not term.applies_in(label):
            continue
        share = dict(shares_for(contract, term, label)).get(payer, ZERO)
        if share == 0:
            continue
        ceiling = term_ceiling(term)
        if ceiling is None:
            return None
        total += share * ceiling
    return total


def _least(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None
