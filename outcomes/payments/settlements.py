"""Settling a run: each organisation records paying what it owes; a wrong entry is reversed.

Entries are never edited. A reversal is a new entry pointing at the payment it undoes; both
stay, both are audited, and the obligation is open again for a correct settlement.
"""

from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import Subquery, select

from contracts.models import Organisation
from outcomes.payments.inputs import period_of
from outcomes.payments.models import PaymentRun, RunPayer, RunSettlement
from outcomes.payments.service import locked, require_status
from outcomes.workbook.identity import mask_text
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError


def active_settlement(run: PaymentRun, obligation: RunPayer) -> RunSettlement | None:
    """The payment entry that settles an obligation now (None: open)."""
    reversed_ids = {s.reverses_id for s in run.settlements if s.kind == "reversal"}
    return next((s for s in run.settlements if s.obligation_id == obligation.id
                 and s.kind == "payment" and s.id not in reversed_ids), None)  # fmt: skip


@cache  # one subquery for the process: it takes no parameters, and building it costs
def active_payments() -> Subquery:
    """Every payment entry that settles its obligation now, as `active_settlement` picks it
    (one not reversed): its run, the organisation's slug, the obligation's kind and the day."""
    reversed_ids = select(RunSettlement.reverses_id).where(
        RunSettlement.kind == "reversal", RunSettlement.reverses_id.is_not(None)
    )
    return (
        select(
            RunSettlement.id,
            RunSettlement.run_id,
            RunSettlement.settled_on,
            Organisation.slug.label("organisation"),
            RunPayer.kind,
        )
        .join(RunPayer, RunPayer.id == RunSettlement.obligation_id)
        .join(Organisation, Organisation.id == RunPayer.organisation_id)
        .where(RunSettlement.kind == "payment", RunSettlement.id.not_in(reversed_ids))
        .subquery("active_payments")
    )


def is_open(run: PaymentRun, obligation: RunPayer) -> bool:
    """Whether an obligation still has money to settle (nothing owed: nothing to settle)."""
    return obligation.amount != 0 and active_settlement(run, obligation) is None


def settle_run(
    run: PaymentRun,
    settled_on: date,
    reference: str,
    actor: Actor,
    *,
    today: date,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> PaymentRun:
    """Record that an organisation (None: every organisation) paid what it owes in a run.

    The date may not be before the run's approval nor the end of its period, nor after today.
    The run is settled once nothing is open. Settling what is settled changes nothing.
    """
    now = now or datetime.now(UTC)
    run = locked(run)
    mine = [
        o for o in run.payers if organisation_id is None or o.organisation_id == organisation_id
    ]
    if organisation_id is not None and not mine:
        raise NotFoundError("Your organisation owes nothing in this run.")
    if run.status == "settled" or (mine and not any(is_open(run, o) for o in mine)):
        return run
    require_status(run, "approved", "settled")
    _check_date(run, settled_on, today)
    for obligation in (o for o in mine if is_open(run, o)):
        entry = RunSettlement(
            obligation=obligation, kind="payment", settled_on=settled_on,
            reference=mask_text(reference),
            amount=obligation.amount, created_by=actor.label, created_at=now,
        )  # fmt: skip
        run.settlements.append(entry)
        db.session.flush()
        _record("payment_run.obligation_settled", run, actor, entry)
    if not any(is_open(run, o) for o in run.payers):
        _mark_settled(run, settled_on, mask_text(reference), actor)
    db.session.flush()
    return run


def _check_date(run: PaymentRun, settled_on: date, today: date) -> None:
    ends_on = period_of(run.contract, run.period_label).ends_on
    approved_on = run.approved_at.date() if run.approved_at else None
    problems = []
    if settled_on > today:
        problems.append(f"is after today ({today}): record a payment once it is made")
    if settled_on < ends_on:
        problems.append(f"is before the end of period {run.period_label} ({ends_on})")
    if approved_on is not None and settled_on < approved_on:
        problems.append(f"is before the run was approved ({approved_on})")
    if problems:
        raise ServiceError(
            f"The settlement date {settled_on} cannot be right: it " + "; it ".join(problems) + ".",
            [("$.settled_on", p) for p in problems],
        )


def _mark_settled(run: PaymentRun, settled_on: date, reference: str, actor: Actor) -> None:
    run.status, run.settled_on, run.settlement_reference = "settled", settled_on, reference
    run.settled_by = actor.label
    audit.record(
        "payment_run.settled",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        before={"status": "approved"},
        after={"status": "settled", "settled_on": settled_on.isoformat(), "reference": reference},
    )


def reverse_settlement(
    run: PaymentRun,
    settlement_id: int,
    reason: str,
    actor: Actor,
    *,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> PaymentRun:
    """Undo a wrong settlement entry with a reversing entry; the obligation is open again."""
    now = now or datetime.now(UTC)
    run = locked(run)
    entry = next((s for s in run.settlements if s.id == settlement_id), None)
    if entry is None or (organisation_id is not None
                         and entry.obligation.organisation_id != organisation_id):  # fmt: skip
        raise NotFoundError(f"Payment run {run.id} has no settlement {settlement_id} of yours.")
    if entry.kind != "payment" or active_settlement(run, entry.obligation) is not entry:
        raise ConflictError(f"Settlement {settlement_id} is a reversal or was reversed already.")
    reversal = RunSettlement(
        obligation=entry.obligation, kind="reversal", settled_on=entry.settled_on,
        reference=mask_text(reason), reverses_id=entry.id, amount=-entry.amount,
        created_by=actor.label, created_at=now,
    )  # fmt: skip
    run.settlements.append(reversal)
    db.session.flush()
    _record("payment_run.settlement_reversed", run, actor, reversal)
    if run.status == "settled":
        run.status, run.settled_on, run.settlement_reference, run.settled_by = (
            "approved", None, None, None)  # fmt: skip
        audit.record("payment_run.unsettled", actor=actor, entity_type="payment_run",
                     entity_id=run.id, contract_id=run.contract_id,
                     before={"status": "settled"}, after={"status": "approved"})  # fmt: skip
    db.session.flush()
    return run


def _record(action: str, run: PaymentRun, actor: Actor, entry: RunSettlement) -> None:
    audit.record(
        action,
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        after={"settlement": entry.id, "organisation": entry.obligation.organisation.slug,
               "kind": entry.obligation.kind, "settled_on": entry.settled_on.isoformat(),
               "reference": entry.reference, "amount": format(entry.amount, "f"),
               "reverses": entry.reverses_id},
    )  # fmt: skip
