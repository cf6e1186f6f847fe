"""The tranche waterfall: a period's money to investors, principal first, then return (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from contracts.engine.interest import Position, owed_once
from contracts.engine.model import Contract
from contracts.engine.money import split

ZERO = Decimal(0)


@dataclass(frozen=True)
class Distribution:
    """Where a period's money went: per investor ``(principal, return)``, and the provider."""

    investors: dict[str, tuple[Decimal, Decimal]]
    provider: Decimal


def capped_split(amount: Decimal, weights, caps: dict, exponent: int) -> dict[str, Decimal]:
    """Share ``amount`` pro rata to weights, never above a cap, re-spreading what a cap stops.

    Args:
        amount: whole minor units to share.
        weights: ``(key, weight)`` in priority order (ties go to the key listed first).
        caps: ``{key: most it may take}``; None means no limit.
        exponent: the currency's minor-unit exponent.

    Returns:
        ``{key: part}`` for every key; the parts sum to at most ``amount``.
    """
    parts = {key: ZERO for key, _ in weights}
    if amount <= 0:
        return parts  # nothing to share (often: principal took the whole period's money)
    active = [(k, w) for k, w in weights if w > 0 and (caps[k] is None or caps[k] > 0)]
    while active and amount > 0:
        total = sum((w for _, w in active), ZERO)
        full = [(k, w) for k, w in active if caps[k] is not None and amount * w / total >= caps[k]]
        if not full:
            for key, part in split(amount, active, exponent).items():
                parts[key] += part
            break
        for key, _ in full:
            parts[key] += caps[key]
            amount -= caps[key]
        active = [(k, w) for k, w in active if (k, w) not in full]
    return parts


def distribute(
    contract: Contract, positions: list[Position], money: Decimal, on: dt.date, known=None
):
    """Pay a period's money down the tranches and record it on the positions.

    Each tranche in order takes its outstanding principal, then its return up to its cap;
    within a tranche pro rata to drawn principal. What is left goes to the provider, or with
    ``surplus: "investors"`` to all investors pro rata to drawn principal as return.

    Args:
        contract: the contract (tranches, surplus, minor unit).
        positions: every investor's account, in ``parties`` order; updated in place.
        money: what the payers owe for the period, in whole minor units.
        on: the period's payment date.
        known: the period's remembered `owed` figures (see `owed_once`), or None.

    Returns:
        The Distribution.
    """
    got = {p.investor.org: [ZERO, ZERO] for p in positions}
    for tranche in contract.tranches:
        if money <= 0:
            break  # nothing left to pay down (often: an earlier slot took the period's money)
        members = [p for p in positions if p.investor.tranche == tranche.name]
        weights = [(p.investor.org, p.drawn_by(on)) for p in members]
        dues = {p.investor.org: owed_once(known, contract, tranche, p, on) for p in members}
        for slot in (0, 1):
            if money <= 0:
                break
            caps = {org: due[slot] for org, due in dues.items()}
            for org, part in capped_split(money, weights, caps, contract.exponent).items():
                got[org][slot] += part
                money -= part
    if money > 0 and contract.surplus == "investors":
        weights = [(p.investor.org, p.drawn_by(on)) for p in positions]
        if any(w > 0 for _, w in weights):
            for org, part in split(money, weights, contract.exponent).items():
                got[org][1] += part
            money = ZERO
    for p in positions:
        p.receive(on, *got[p.investor.org])
    return Distribution({org: (pr, rt) for org, (pr, rt) in got.items()}, money)
