"""What investors are owed at a date: drawn principal and the return their tranche allows (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.engine.inputs import Drawdown
from contracts.engine.model import Contract, Investor, Tranche
from contracts.engine.money import round_minor

ZERO = Decimal(0)
DAYS_A_YEAR = Decimal(365)  # TERMS.md: (to - from) days over 365, also in leap years


@dataclass
class Position:
    """One investor's account: its drawdowns and what it has received so far."""

    investor: Investor
    drawdowns: list[Drawdown]
    repayments: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # principal
    principal_received: Decimal = ZERO
    return_received: Decimal = ZERO
    #: Running totals over ``repayments`` (kept by `receive`), so interest at a later date needs
    #: no walk over every repayment: principal repaid, and principal times its date's ordinal.
    repaid: Decimal = field(default=ZERO, repr=False)
    repaid_ordinals: Decimal = field(default=ZERO, repr=False)
    last_repaid_on: dt.date | None = field(default=None, repr=False)
    #: `drawn_by` by date: asked several times per period, and drawdowns never change.
    _drawn: dict[dt.date, Decimal] = field(default_factory=dict, repr=False)

    def drawn_by(self, on: dt.date) -> Decimal:
        """Return the principal drawn on or before ``on``."""
        drawn = self._drawn.get(on)
        if drawn is None:
            drawn = self._drawn[on] = sum((d.amount for d in self.drawdowns if d.on <= on), ZERO)
        return drawn

    def receive(self, on: dt.date, principal: Decimal, ret: Decimal) -> None:
        """Record a distribution of principal and return on ``on``."""
        self.principal_received += principal
        self.return_received += ret
        if principal:
            self.repayments.append((on, principal))
            self.repaid += principal
            self.repaid_ordinals += principal * on.toordinal()
            if self.last_repaid_on is None or on > self.last_repaid_on:
                self.last_repaid_on = on


def accrued_interest(rate: Decimal, position: Position, on: dt.date) -> Decimal:
    """Return simple interest on outstanding principal up to ``on``, unrounded.

    Interest runs from each drawdown date (and each later payment date, when repaid principal
    stops accruing) to ``on``; a drawdown on a payment date counts before its distribution.

    Args:
        rate: the annual rate as a fraction (``0.06`` is 6 %).
        position: the investor's drawdowns and principal repayments.
        on: the date interest is accrued to.

    Returns:
        The interest, ``rate * sum(outstanding * days) / 365``.
    """
    # sum(outstanding * days) over the stretches between events is, term by term, each
    # drawdown times its days to ``on`` less each repayment times its days to ``on``: the same
    # exact sum (no rounding at the working precision), with no sorting of events.
    day_sum = ZERO
    for d in position.drawdowns:
        if d.on <= on:
            day_sum += d.amount * (on - d.on).days
    return rate * (day_sum - _repaid_days(position, on)) / DAYS_A_YEAR


def _repaid_days(position: Position, on: dt.date) -> Decimal:
    # sum(paid * days to `on`) over repayments on or before `on`. When all of them are (the
    # usual case: periods settle in date order) it is `on` times the principal repaid less the
    # running sum of principal times date, exactly the same value with no walk.
    last = position.last_repaid_on
    if last is None:
        return ZERO
    if last <= on:
        return position.repaid * on.toordinal() - position.repaid_ordinals
    return sum((paid * (on - when).days for when, paid in position.repayments if when <= on), ZERO)


def return_allowed(contract: Contract, tranche: Tranche, position: Position, on: dt.date):
    """Return the most return the tranche's cap allows to ``on`` (None when uncapped).

    Args:
        contract: for the currency's minor unit and the rounding mode.
        tranche: the investor's tranche.
        position: the investor's account.
        on: the date.

    Returns:
        The return allowed in whole minor units, or None for an ``uncapped`` tranche.
    """
    if tranche.cap_kind == "uncapped":
        return None
    if tranche.cap_kind == "annual_rate":
        exact = accrued_interest(tranche.rate, position, on)
    elif tranche.cap_kind == "total":
        exact = tranche.rate * position.drawn_by(on)
    else:
        exact = ZERO
    return round_minor(exact, contract.exponent, contract.rounding)


def owed(contract: Contract, tranche: Tranche, position: Position, on: dt.date):
    """Return what an investor can still receive at ``on``: ``(principal, return or None)``.

    Args:
        contract: the contract.
        tranche: the investor's tranche.
        position: the investor's account.
        on: the payment date.

    Returns:
        Outstanding drawn principal and the return still allowed (None: no limit). An
        investor with nothing drawn is owed nothing.
    """
    drawn = position.drawn_by(on)
    if drawn <= 0:
        return ZERO, ZERO
    principal = max(drawn - position.principal_received, ZERO)
    allowed = return_allowed(contract, tranche, position, on)
    if allowed is None:
        return principal, None
    return principal, max(allowed - position.return_received, ZERO)


def owed_once(known: dict | None, contract: Contract, tranche: Tranche, position: Position, on):
    """Return `owed`, remembered in ``known`` so a period computes it once per investor.

    Step 5's capacity and the waterfall both ask at the period's payment date, and nothing
    is paid in between. Entries are keyed by the tranche object itself (its identity): both
    ask with the contract's own tranches, and hashing a tranche by value on every ask cost
    more than the lookup saved.

    Args:
        known: the period's ``{(id(tranche), investor): owed}``, or None to remember nothing.
        contract: the contract.
        tranche: the investor's tranche.
        position: the investor's account.
        on: the payment date.

    Returns:
        What `owed` returns.
    """
    if known is None:
        return owed(contract, tranche, position, on)
    key = (id(tranche), position.investor.org)
    if key not in known:
        known[key] = owed(contract, tranche, position, on)
    return known[key]


def capacity(
    contract: Contract, positions: list[Position], on: dt.date, known: dict | None = None
) -> Decimal | None:
    """Return what all investors can still receive at ``on`` (None when unlimited).

    Args:
        contract: the contract.
        positions: every investor's account.
        on: the payment date.
        known: the period's remembered `owed` figures (see `owed_once`), or None.

    Returns:
        The sum of outstanding principal and allowed return, or None if any investor with
        drawn principal is in an ``uncapped`` tranche.
    """
    tranches = {t.name: t for t in contract.tranches}
    total = ZERO
    for position in positions:
        tranche = tranches.get(position.investor.tranche)
        if tranche is None:
            continue  # the waterfall pays only listed tranches (a valid document lists all)
        principal, ret = owed_once(known, contract, tranche, position, on)
        if ret is None:
            return None
        total += principal + ret
    return total
