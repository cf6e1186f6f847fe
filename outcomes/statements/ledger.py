"""What approved runs owe, per period and organisation, and what was settled: both statements
read this ledger, never the engine's rules."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select

from contracts.engine.public import Period
from contracts.models import Contract
from outcomes.payments.models import PaymentRun
from outcomes.payments.position import loads_allocation
from outcomes.payments.settlements import active_payments
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
    # One query of plain rows, a run's row once per settled obligation: statements are read far
    # more often than runs are written, and need neither a run's input nor its answer.
    paid = active_payments()
    query = (
        select(
            PaymentRun.id,
            PaymentRun.period_label,
            PaymentRun.status,
            PaymentRun.allocation,
            PaymentRun.settled_on,
            paid.c.organisation,
            paid.c.kind,
            paid.c.settled_on.label("paid_on"),
        )
        .outerjoin(paid, paid.c.run_id == PaymentRun.id)
        .where(PaymentRun.contract_id == contract.id, PaymentRun.status.in_(statuses))
    )
    if as_of is not None:
        end = datetime.combine(as_of + timedelta(days=1), time(), UTC)
        query = query.where((PaymentRun.approved_at < end) | (PaymentRun.status == "draft"))
    payment_on = payment_dates(contract)
    found = []
    rows = db.session.execute(query.order_by(PaymentRun.id, paid.c.id))
    for _, group in groupby(rows, key=lambda row: row.id):
        group = list(group)
        run = group[0]
        settled: dict[tuple[str, str], date] = {}
        for row in group:
            if row.paid_on is not None and (as_of is None or row.paid_on <= as_of):
                settled.setdefault((row.organisation, row.kind), row.paid_on)
        full = run.settled_on if as_of is None or (run.settled_on or as_of) <= as_of else None
        for label, figures in loads_allocation(run.allocation).items():
            found.append(
                Entry(run.id, label, run.status, payment_on.get(label), figures, full, settled)
            )
    return found


def payment_dates(contract: Contract) -> dict[str, date]:
    """Each period's payment date (its deadline, else its end), from the latest version."""
    return {p.label: p.payment_on for p in periods_of(contract)}


def periods_of(contract: Contract) -> tuple[Period, ...]:
    """The latest version's periods, in order, as its terms define them."""
    return contract.versions[-1].agreed.periods


def final_period(contract: Contract) -> str | None:
    """The period after which no outcome money is paid: the last one, or the last paid on or
    before `terminated_on` (None when the contract ended before any was paid)."""
    agreed = contract.versions[-1].agreed
    ended = agreed.terminated_on
    paid = [p.label for p in agreed.periods if ended is None or p.payment_on <= ended]
    return paid[-1] if paid else None
