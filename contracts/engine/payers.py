"""Who pays: term amounts split among outcome payers, then their yearly caps (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from contracts.engine.model import Contract, Term
from contracts.engine.money import split_pairs

ZERO = Decimal(0)


def shares_for(contract: Contract, term: Term, label: str) -> tuple[tuple[str, Decimal], ...]:
    """Return the payer shares a term uses in a period.

    Args:
        contract: the contract (its default ``payer_shares``).
        term: the term (``payer_shares_by_period``, then ``payer_shares``).
        label: the period's label.

    Returns:
        ``(payer, share)`` pairs in the order listed in the shares used.
    """
    if label in term.payer_shares_by_period:
        return term.payer_shares_by_period[label]
    if term.payer_shares:
        return term.payer_shares
    if contract.payer_shares:
        return contract.payer_shares
    # Not a valid document without shares; a lone payer can still be read as paying all.
    return ((contract.payers[0], Decimal(1)),) if len(contract.payers) == 1 else ()


def split_term(
    contract: Contract, term: Term, label: str, amount: Decimal
) -> tuple[tuple[str, Decimal], ...]:
    """Step 6: split a term's amount among payers, largest remainder, ties to the first listed.

    Args:
        contract: the contract.
        term: the term.
        label: the period's label.
        amount: the term's amount in whole minor units.

    Returns:
        ``(payer, part)`` pairs for the payers in the shares used, in their order (each payer
        once): what a term line keeps, with no dict built per term and period.
    """
    return split_pairs(amount, shares_for(contract, term, label), contract.exponent)


@dataclass
class PayerBook:
    """A payer's running state for yearly caps: held-back amounts by year and any deficit."""

    held: dict[int, Decimal] = field(default_factory=dict)  # calendar year -> held back
    balance: Decimal = ZERO  # a negative total carried from a downward correction
    paid: dict[int, Decimal] = field(default_factory=dict)  # calendar year -> owed so far


class YearlyCapMove(NamedTuple):
    """Step 7 for one payer in one period: what it owes and how money moved in and out."""

    owed: Decimal
    held_back: Decimal  # moved to a later year (>= 0)
    carried: Decimal  # held back in earlier years, added now (>= 0)
    netted: Decimal  # a negative balance from earlier periods, netted now (<= 0)
    deficit: Decimal  # a negative total carried forward (<= 0)


def apply_yearly_cap(book: PayerBook, due: Decimal, year: int, cap: Decimal | None):
    """Step 7 for one payer in one period: carry, net, cap.

    Amounts held back in earlier years are added; a negative balance is netted; what exceeds
    the yearly cap for ``year`` is held back. A negative total becomes the new balance.

    Args:
        book: the payer's state; updated in place.
        due: the payer's parts of the period's term amounts.
        year: the calendar year of the period's payment date.
        cap: the payer's ``yearly_cap``, or None.

    Returns:
        A YearlyCapMove; ``owed = due + carried + netted - held_back - deficit``.
    """
    carried = ZERO
    if book.held and min(book.held) < year:  # most periods have nothing from earlier years
        carried = sum((v for y, v in book.held.items() if y < year), ZERO)
        book.held = {y: v for y, v in book.held.items() if y >= year}
    netted = book.balance
    total = due + carried + netted
    book.balance = ZERO
    if total < 0:
        book.balance = total
        return YearlyCapMove(ZERO, ZERO, carried, netted, total)
    owed = total
    if cap is not None:
        owed = min(total, max(cap - book.paid.get(year, ZERO), ZERO))
    held = total - owed
    if held > 0:
        book.held[year] = book.held.get(year, ZERO) + held
    book.paid[year] = book.paid.get(year, ZERO) + owed
    return YearlyCapMove(owed, held, carried, netted, ZERO)


def held_total(books: dict[str, PayerBook]) -> Decimal:
    """Return every amount held back by a yearly cap and not yet paid.

    Args:
        books: each payer's state.

    Returns:
        The sum of held-back amounts.
    """
    return sum((v for b in books.values() for v in b.held.values()), ZERO)
