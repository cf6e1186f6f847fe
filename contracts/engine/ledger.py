"""The running state of one settlement, carried from period to period (pure, in memory)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.engine.inputs import Outcomes
from contracts.engine.interest import Position
from contracts.engine.measures import Readings
from contracts.engine.model import Contract
from contracts.engine.payers import PayerBook

ZERO = Decimal(0)


@dataclass
class Ledger:
    """Everything earlier periods leave behind for later ones."""

    contract: Contract
    readings: Readings
    earned: dict[str, Decimal]  # term id -> its amounts (after steps 1-5) so far
    memory: dict[str, Decimal]  # group -> its amounts so far
    positions: list[Position]
    books: dict[str, PayerBook]
    group_caps: dict[str, Decimal] = field(default_factory=dict)  # smallest cap_total
    total: Decimal = ZERO  # every term amount so far, for caps.outcome_total
    participant_paid: dict[str, Decimal] = field(default_factory=dict)
    valued: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # cumulative rows
    flows: dict[str, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)
    #: Groups whose amounts so far are read within a period (a cumulative term counts net of
    #: them, a group cap_total bounds them); other groups' memory changes between periods only.
    watched: frozenset[str] = frozenset()


def open_ledger(contract: Contract, outcomes: Outcomes) -> Ledger:
    """Start a settlement's state with nothing earned, paid or held.

    Args:
        contract: the parsed terms.
        outcomes: the validated input.

    Returns:
        A fresh Ledger, with each investor's drawdowns recorded as negative cash flows.
    """
    positions = [
        Position(inv, [d for d in outcomes.drawdowns if d.investor == inv.org])
        for inv in contract.investors
    ]
    flows = {p.investor.org: [(d.on, -d.amount) for d in p.drawdowns] for p in positions}
    group_caps: dict[str, Decimal] = {}
    for term in contract.terms:
        if term.cap_total is not None:
            known = group_caps.get(term.group)
            group_caps[term.group] = term.cap_total if known is None else min(known, term.cap_total)
    watched = frozenset(t.group for t in contract.terms if t.cumulative or t.group in group_caps)
    return Ledger(
        contract=contract,
        group_caps=group_caps,
        watched=watched,
        readings=Readings(contract, outcomes),
        earned={t.id: ZERO for t in contract.terms},
        memory={t.group: ZERO for t in contract.terms},
        positions=positions,
        books={payer: PayerBook() for payer in contract.payers},
        flows=flows,
    )
