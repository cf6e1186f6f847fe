"""Investors' capital drawdowns: record one, refusing more than the investor has left to give."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from contracts.engine.public import minor_unit
from contracts.models import Contract, Party
from outcomes.payments.models import Drawdown
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ServiceError


def investor_party(contract: Contract, slug: str) -> Party:
    """The investor party with this organisation id in the latest version, or a 422 problem."""
    for party in contract.versions[-1].parties:
        if party.role == "investor" and party.organisation.slug == slug:
            return party
    raise ServiceError(
        f"{slug!r} is not an investor on contract {contract.reference}.",
        [("$.investor", "must be an investor party of the contract")],
    )


def drawn_total(contract: Contract, organisation_id: int) -> Decimal:
    """Everything an investor has drawn on a contract so far."""
    rows = db.session.scalars(
        select(Drawdown.amount).where(
            Drawdown.contract_id == contract.id, Drawdown.investor_id == organisation_id
        )
    )
    # Summed in Python: SQLite stores the amounts as text.
    return sum(rows, Decimal(0))


def record_drawdown(
    contract: Contract,
    investor: str,
    drawn_on: date,
    amount: Decimal,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> Drawdown:
    """Record a drawdown; refuse one above the investor's remaining commitment."""
    party = investor_party(contract, investor)
    _check_amount(contract, party, amount)
    drawdown = Drawdown(
        contract_id=contract.id,
        investor_id=party.organisation_id,
        drawn_on=drawn_on,
        amount=amount,
        created_by=actor.label,
        created_at=now or datetime.now(UTC),
    )
    db.session.add(drawdown)
    db.session.flush()
    audit.record(
        "drawdown.recorded",
        actor=actor,
        entity_type="drawdown",
        entity_id=drawdown.id,
        contract_id=contract.id,
        after={"investor": investor, "on": drawn_on.isoformat(), "amount": format(amount, "f")},
    )
    return drawdown


def _check_amount(contract: Contract, party: Party, amount: Decimal) -> None:
    exponent = minor_unit(contract.currency)
    if amount <= 0 or amount != amount.quantize(Decimal(1).scaleb(-exponent)):
        raise ServiceError(
            "A drawdown must be a positive amount in whole minor units.",
            [("$.amount", f"must be above 0 with at most {exponent} decimals")],
        )
    drawn = drawn_total(contract, party.organisation_id)
    remaining = (party.commitment or Decimal(0)) - drawn
    if amount > remaining:
        raise ServiceError(
            f"{party.organisation.slug} has {remaining:f} {contract.currency} of its commitment "
            f"left (committed {party.commitment:f}, drawn {drawn:f}); a drawdown of "
            f"{amount:f} is more than that.",
            [("$.amount", f"must be at most {remaining:f}")],
        )


def drawdowns_of(contract: Contract, organisation_id: int | None = None) -> list[Drawdown]:
    """The contract's drawdowns, oldest first; only one investor's when given."""
    query = select(Drawdown).where(Drawdown.contract_id == contract.id)
    if organisation_id is not None:
        query = query.where(Drawdown.investor_id == organisation_id)
    return list(db.session.scalars(query.order_by(Drawdown.drawn_on, Drawdown.id)))


def drawn_by(contract: Contract, organisation_id: int, on: date) -> list[tuple[date, Decimal]]:
    """One investor's drawdowns dated on or before a day, as (date, amount), oldest first."""
    rows = db.session.execute(
        select(Drawdown.drawn_on, Drawdown.amount)
        .where(
            Drawdown.contract_id == contract.id,
            Drawdown.investor_id == organisation_id,
            Drawdown.drawn_on <= on,
        )
        .order_by(Drawdown.drawn_on, Drawdown.id)
    )
    return [(row.drawn_on, row.amount) for row in rows]
