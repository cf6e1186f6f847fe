"""The engine's answer, typed and immutable: what every caller reads, before any JSON (pure).

Every amount is a Decimal in whole minor units. The answer document of TERMS.md is written
from these by `contracts.engine.answer.answer_document`, and nothing else writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from contracts.engine.model import Contract

ZERO = Decimal(0)


class TermLine(NamedTuple):
    """One term in one period: its measure, its amount after steps 1-5, and who pays it.

    (Lines are immutable tuples: the engine makes one per term and period, so they are cheap.)
    """

    term: str
    measure: Decimal | None
    gate_measure: Decimal | None
    amount: Decimal
    explanation: str
    #: step 6: ``(payer, part)`` in the order of the shares used; empty when nothing is paid
    parts: tuple[tuple[str, Decimal], ...] = ()


class PayerLine(NamedTuple):
    """What one outcome payer owes for a period, and how step 7 moved money in and out.

    ``owed = due + carried + netted - held_back - deficit`` holds exactly.
    """

    payer: str
    #: its parts of the period's term amounts (step 6)
    due: Decimal
    #: amounts held back in earlier calendar years, added in this period (step 7)
    carried: Decimal
    #: a negative balance left by earlier periods, netted here (zero or negative)
    netted: Decimal
    #: what exceeded the yearly cap and moves to a later year (zero or positive)
    held_back: Decimal
    #: a negative total carried forward to later periods, never charged back (zero or negative)
    deficit: Decimal
    owed: Decimal
    #: the calendar year of the payment date, whose yearly cap applied
    year: int


class InvestorShare(NamedTuple):
    """What one investor received from a period's money."""

    investor: str
    principal: Decimal
    return_: Decimal


@dataclass(frozen=True)
class PeriodAnswer:
    """A settled period: term lines, payers, and where the money went on its payment date."""

    label: str
    payment_on: dt.date
    terms: tuple[TermLine, ...]
    payers: tuple[PayerLine, ...]
    investors: tuple[InvestorShare, ...]
    provider: Decimal
    #: the contract was terminated before the payment date: nothing is paid
    terminated: bool = False

    @property
    def amount(self) -> Decimal:
        """What the payers owe for the period: the sum of ``payers``."""
        return sum((p.owed for p in self.payers), ZERO)

    def payer(self, organisation: str) -> PayerLine | None:
        """The line of one payer, or None when it is no outcome payer."""
        return next((p for p in self.payers if p.payer == organisation), None)


@dataclass(frozen=True)
class GuaranteePayment:
    """What a guarantor pays an investor under one guarantee, on the date guarantees settle."""

    by: str
    investor: str
    amount: Decimal
    on: dt.date
    #: the guarantee's position in ``guarantees``
    guarantee: int = 0


@dataclass(frozen=True)
class InvestorTotal:
    """One investor over the whole answer: received, guaranteed, its flows and XIRR."""

    investor: str
    principal: Decimal
    return_: Decimal
    guarantee: Decimal
    irr: Decimal | None
    #: dated cash flows the XIRR is taken over: drawdowns negative, money received positive
    flows: tuple[tuple[dt.date, Decimal], ...] = ()


@dataclass(frozen=True, eq=False)
class Answer:
    """The engine's whole answer for one contract and input."""

    contract: Contract
    digest: str
    periods: tuple[PeriodAnswer, ...]
    guarantees: tuple[GuaranteePayment, ...]
    investors: tuple[InvestorTotal, ...]
    #: per payer, what yearly caps still hold back after the answer's last period (not owed
    #: unless a later period pays it; dropped at termination)
    still_held: tuple[tuple[str, Decimal], ...] = ()

    @property
    def amount(self) -> Decimal:
        """What the payers owe over every period of the answer."""
        return sum((p.amount for p in self.periods), ZERO)

    def period(self, label: str) -> PeriodAnswer | None:
        """The settled period with this label, or None when the answer stops before it."""
        return next((p for p in self.periods if p.label == label), None)

    def payer_total(self, organisation: str) -> Decimal:
        """What one payer owes over every period of the answer."""
        return sum((line.owed for p in self.periods for line in p.payers
                    if line.payer == organisation), ZERO)  # fmt: skip

    def provider_total(self) -> Decimal:
        """What went to the provider over every period."""
        return sum((p.provider for p in self.periods), ZERO)
