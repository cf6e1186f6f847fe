"""What approved runs paid, per period and organisation: the ledger both statements read."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from contracts.models import Contract, Period
from outcomes.payments.models import PaymentRun
from outcomes.payments.position import loads_allocation
from sib.extensions import db

ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    """What one run owed for one period (a payment or an adjustment), and its state."""

    run_id: int
    period: str
    status: str
    #: the day the money moves: the settlement date, else the period's payment date
    paid_on: date
    figures: dict


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
    # Only the columns needed: the stored input and answer are large and not read here.
    columns = (PaymentRun.id, PaymentRun.status, PaymentRun.settled_on, PaymentRun.allocation)
    found = []
    for run in db.session.execute(query.with_only_columns(*columns).order_by(PaymentRun.id)):
        for label, figures in loads_allocation(run.allocation).items():
            paid_on = run.settled_on or payment_on.get(label)
            found.append(Entry(run.id, label, run.status, paid_on, figures))
    return found


def payment_dates(contract: Contract) -> dict[str, date]:
    """Each period's payment date (its deadline, else its end), from the latest version."""
    return {p.label: p.payment_on for p in periods_of(contract)}


def periods_of(contract: Contract) -> list[Period]:
    """The latest version's periods, in order."""
    return list(contract.versions[-1].periods)
