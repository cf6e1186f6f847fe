"""Guarantees: minimum repayments of principal to investors, settled at the end (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.engine.interest import Position
from contracts.engine.model import Contract
from contracts.engine.money import round_minor, split
from contracts.engine.results import GuaranteePayment

ZERO = Decimal(0)


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
    for number, g in enumerate(contract.guarantees):
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
                payments.append(GuaranteePayment(g.by, p.investor.org, amount, on, number))
    return payments


def _shortfall(contract: Contract, share: Decimal, position: Position, on: dt.date) -> Decimal:
    return shortfall_of(contract, share, position.drawn_by(on), position.principal_received)


def shortfall_of(contract: Contract, share: Decimal, drawn: Decimal, received: Decimal) -> Decimal:
    """Return one guarantee's shortfall for one investor, before any cap.

    Args:
        contract: the contract (minor unit, rounding).
        share: the guarantee's ``share_of_principal``.
        drawn: the investor's principal drawn by the date guarantees settle.
        received: the principal it has received, earlier guarantee payments included.

    Returns:
        ``share x drawn`` rounded to the minor unit, less ``received``, never below zero.
    """
    promised = round_minor(share * drawn, contract.exponent, contract.rounding)
    return max(promised - received, ZERO)
