"""What approved runs owe, per period and organisation, and what was settled: both statements
read this ledger, never the engine's rules."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts.models import Contract, Period
from outcomes.payments.models import PaymentRun
from outcomes.payments.position import loads_allocation
from outcomes.payments.settlements import active_settlement
from sib.extensions import db

ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    """What one run owed for one period (a payment or an adjustment), and its state."""

    run_id: int
    period: str
    status: str
    #: the period's payment date: the day the engine dates its money (interest, IRR)
    paid_on: date
    figures: dict
    #: the day the run was fully settled (None: not yet)
    settled_on: date | None = None
    #: per organisation and obligation kind ("outcomes" or "guarantee"): the day it settled
    settled: dict = field(default_factory=dict)

    def settled_for(self, organisation: str, kind: str = "outcomes") -> date | None:
        """The day an organisation settled its obligation of this kind in the run, or None."""
        return self.settled.get((organisation, kind))


def entries(contract: Contract, as_of: date | None = None, *, drafts: bool = False) -> list[Entry]:
    """Every approved or settled run's figures per period (approved by the end of `as_of`)."""
    statuses = ("approved", "settled", "draft") if drafts else ("approved", "settled")
    query = select(PaymentRun).where(
        PaymentRun.contract_id == contract.id, PaymentRun.status.in_(statuses)
    )
    if as_of is not None:
        end = datetime.combine(as_of + timedelta(days=1), time(), UTC)
        query = query.where((PaymentRun.approved_at < end) | (PaymentRun.status == "draft"))
    payment_on = payment_dates(contract)
    query = query.options(selectinload(PaymentRun.payers), selectinload(PaymentRun.settlements))
    found = []
    for run in db.session.scalars(query.order_by(PaymentRun.id)):
        settled = _settled(run, as_of)
        full = run.settled_on if as_of is None or (run.settled_on or as_of) <= as_of else None
        for label, figures in loads_allocation(run.allocation).items():
            found.append(
                Entry(run.id, label, run.status, payment_on.get(label), figures, full, settled)
            )
    return found


def _settled(run: PaymentRun, as_of: date | None) -> dict:
    out = {}
    for obligation in run.payers:
        entry = active_settlement(run, obligation)
        if entry is not None and (as_of is None or entry.settled_on <= as_of):
            out[(obligation.organisation.slug, obligation.kind)] = entry.settled_on
    return out


def payment_dates(contract: Contract) -> dict[str, date]:
    """Each period's payment date (its deadline, else its end), from the latest version."""
    return {p.label: p.payment_on for p in periods_of(contract)}


def periods_of(contract: Contract) -> list[Period]:
    """The latest version's periods, in order."""
    return list(contract.versions[-1].periods)


def final_period(contract: Contract) -> str | None:
    """The period after which no outcome money is paid: the last one, or the last paid on or
    before `terminated_on` (None when the contract ended before any was paid)."""
    agreed = contract.versions[-1].agreed
    ended = agreed.terminated_on
    paid = [p.label for p in agreed.periods if ended is None or p.payment_on <= ended]
    return paid[-1] if paid else None
