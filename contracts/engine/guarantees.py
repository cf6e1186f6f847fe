"""Guarantees: minimum repayments of principal to investors, settled at the end (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from contracts.engine.interest import Position
from contracts.engine.model import Contract
from contracts.engine.money import round_minor, split

ZERO = Decimal(0)


@dataclass(frozen=True)
class GuaranteePayment:
    """What a guarantor pays an investor under one guarantee."""

    by: str
    investor: str
    amount: Decimal


def guarantee_date(contract: Contract, through: int | None) -> dt.date | None:
    """Return the date guarantees settle at, or None when this answer does not settle them.

    Args:
        contract: the contract (its periods and ``terminated_on``).
        through: the position of the answer's last period, or None for an empty answer.

    Returns:
        The payment date of the last period (or of the last one paid on or before
        ``terminated_on``; ``terminated_on`` itself when none is) if the answer includes it.
    """
    periods = contract.periods
    if contract.terminated_on is None:
        last = len(periods) - 1
    else:
        paid = [i for i, p in enumerate(periods) if p.payment_on <= contract.terminated_on]
        if not paid:
            return contract.terminated_on
        last = paid[-1]
    if through is None or through < last or last < 0:
        return None
    return periods[last].payment_on


def settle_guarantees(contract: Contract, positions: list[Position], on: dt.date):
    """Pay each guarantee's shortfalls, in list order, and record them as principal received.

    Args:
        contract: the contract (guarantees, minor unit, rounding).
        positions: every investor's account, in ``parties`` order; updated in place.
        on: the date the guarantees settle at.

    Returns:
        The GuaranteePayments with a positive amount, in guarantee then ``parties`` order.
    """
    payments = []
    for g in contract.guarantees:
        covered = [p for p in positions if g.tranche is None or p.investor.tranche == g.tranche]
        share = g.share_of_principal
        shortfalls = [(p.investor.org, _shortfall(contract, share, p, on)) for p in covered]
        due = sum((s for _, s in shortfalls), ZERO)
        parts = dict(shortfalls)
        if g.cap is not None and due > g.cap:
            cap = round_minor(g.cap, contract.exponent, contract.rounding)
            parts = split(cap, shortfalls, contract.exponent)
        for p in covered:
            amount = parts[p.investor.org]
            if amount > 0:
                p.principal_received += amount
                payments.append(GuaranteePayment(g.by, p.investor.org, amount))
    return payments


def _shortfall(contract: Contract, share: Decimal, position: Position, on: dt.date) -> Decimal:
    promised = round_minor(share * position.drawn_by(on), contract.exponent, contract.rounding)
    return max(promised - position.principal_received, ZERO)
