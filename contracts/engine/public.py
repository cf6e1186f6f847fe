"""The engine's public face: everything code outside `contracts.engine` may use (pure).

Outside code imports from here only (an import-linter contract keeps it so): the typed
contract and answer, `settle`, the one writer of the answer document, money and minor units,
and the few rules other parts must show but never re-derive (shares, return allowed,
guarantee shortfall, metrics a term reads, term ceilings, IRR).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from contracts.engine.answer import answer_document, dumps_answer
from contracts.engine.ceilings import period_ceiling, term_ceiling
from contracts.engine.currencies import MINOR_UNIT_EXPONENT
from contracts.engine.digest import digest_of
from contracts.engine.errors import InputError, Problem
from contracts.engine.guarantees import shortfall_of
from contracts.engine.inputs import Drawdown
from contracts.engine.interest import Position
from contracts.engine.interest import return_allowed as _return_allowed
from contracts.engine.irr import irr_of
from contracts.engine.model import (
    Contract,
    Guarantee,
    Investor,
    Metric,
    Party,
    Period,
    Term,
    Tranche,
    parse_contract,
)
from contracts.engine.money import (
    D,
    format_amount,
    format_decimal,
    minor_unit,
    quantum,
    round_minor,
    split,
)
from contracts.engine.payers import shares_for
from contracts.engine.reads import metrics_read_by
from contracts.engine.results import (
    Answer,
    GuaranteePayment,
    InvestorShare,
    InvestorTotal,
    PayerLine,
    PeriodAnswer,
    TermLine,
)
from contracts.engine.settle import settle

__all__ = [
    "MINOR_UNIT_EXPONENT",
    "Answer",
    "Contract",
    "D",
    "Guarantee",
    "GuaranteePayment",
    "InputError",
    "Investor",
    "InvestorShare",
    "InvestorTotal",
    "Metric",
    "Party",
    "PayerLine",
    "Period",
    "PeriodAnswer",
    "Problem",
    "Term",
    "TermLine",
    "Tranche",
    "answer_document",
    "digest_of",
    "dumps_answer",
    "format_amount",
    "format_decimal",
    "guarantee_shortfall",
    "irr_of",
    "metrics_read_by",
    "minor_unit",
    "parse_contract",
    "period_ceiling",
    "quantum",
    "return_allowed",
    "round_minor",
    "settle",
    "shares_for",
    "split",
    "term_ceiling",
    "to_minor_of",
]


def to_minor_of(contract: Contract, amount: Decimal) -> Decimal:
    """Round an amount to the contract currency's minor unit with the contract's rounding.

    Args:
        contract: the contract (currency and ``rounding``).
        amount: any Decimal.

    Returns:
        The amount in whole minor units.
    """
    return round_minor(amount, contract.exponent, contract.rounding)


def return_allowed(
    contract: Contract,
    investor: str,
    drawdowns: Iterable[tuple[dt.date, Decimal]],
    repayments: Sequence[tuple[dt.date, Decimal, Decimal]],
    on: dt.date,
) -> Decimal | None:
    """Return the most return an investor's tranche allows up to a date (None: uncapped).

    Interest for ``annual_rate`` runs on outstanding principal between the dates given, as the
    engine counts it (TERMS.md, Interest): pass the engine's payment dates to get its figure.

    Args:
        contract: the contract (tranches, minor unit, rounding).
        investor: the investor's organisation id.
        drawdowns: ``(date, amount)`` capital paid in.
        repayments: ``(date, principal, return)`` received.
        on: the date.

    Returns:
        The return allowed in whole minor units, or None for an uncapped tranche.

    Raises:
        KeyError: when ``investor`` is no investor party of the contract.
    """
    party = next(i for i in contract.investors if i.org == investor)
    tranche = next(t for t in contract.tranches if t.name == party.tranche)
    position = Position(party, [Drawdown(investor, d, amount) for d, amount in drawdowns])
    for when, principal, ret in repayments:
        position.receive(when, principal, ret)
    return _return_allowed(contract, tranche, position, on)


def guarantee_shortfall(
    contract: Contract, investor: str, drawn: Decimal, principal_received: Decimal
) -> Decimal:
    """Return what the guarantees covering one investor would pay it, were nothing more paid.

    Guarantees apply in list order, each counting earlier guarantee payments as principal
    received. A guarantee's cap is shared by every investor it covers; this looks at one
    investor alone, so with a cap the figure is an upper bound.

    Args:
        contract: the contract.
        investor: the investor's organisation id.
        drawn: its principal drawn by the date guarantees settle.
        principal_received: the principal it has received from outcome payments.

    Returns:
        The total the guarantees would pay it, in whole minor units.
    """
    party = next(i for i in contract.investors if i.org == investor)
    received, total = principal_received, Decimal(0)
    for guarantee in contract.guarantees:
        if guarantee.tranche not in (None, party.tranche):
            continue
        owed = shortfall_of(contract, guarantee.share_of_principal, drawn, received)
        if guarantee.cap is not None:
            owed = min(owed, to_minor_of(contract, guarantee.cap))
        received += owed
        total += owed
    return total
