"""Approving a run: each organisation approves what it owes (outcome share or guarantee)."""

from datetime import UTC, datetime

from outcomes.payments import position
from outcomes.payments.models import PaymentRun
from outcomes.payments.service import approved_position, locked, require_status
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError


def approve_run(
    run: PaymentRun, organisation_id: int, actor: Actor, *, now: datetime | None = None
) -> PaymentRun:
    """Approve an organisation's obligations in a run; the run is approved once all are.

    Approving again what is already approved changes nothing and writes no event; a run that
    is superseded or settled cannot be approved (409).
    """
    now = now or datetime.now(UTC)
    run = locked(run)
    mine = [o for o in run.payers if o.organisation_id == organisation_id]
    if not mine:
        raise NotFoundError("Your organisation owes nothing in this run: it is no outcome payer "
                            "or guarantor of it.")  # fmt: skip
    if run.status == "approved" and all(o.approved_at is not None for o in mine):
        return run  # a repeated approval (e.g. a double click racing itself) changes nothing
    require_status(run, "draft", "approved")
    for obligation in (o for o in mine if o.approved_at is None):
        obligation.approved_by, obligation.approved_at = actor.label, now
        audit.record(
            "payment_run.payer_approved",
            actor=actor,
            entity_type="payment_run",
            entity_id=run.id,
            contract_id=run.contract_id,
            after={"payer": obligation.organisation.slug, "kind": obligation.kind,
                   "amount": format(obligation.amount, "f")},
        )  # fmt: skip
    if all(o.approved_at is not None for o in run.payers):
        _approve_whole(run, actor, now)
    db.session.flush()
    return run


def _approve_whole(run: PaymentRun, actor: Actor, now: datetime) -> None:
    if run.basis != position.basis_of(approved_position(run.contract)):
        raise ConflictError(
            "Another run was approved since this one was computed; compute this period again "
            "so that its adjustments are taken against the figures approved now."
        )
    run.status, run.approved_at = "approved", now
    audit.record(
        "payment_run.approved",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        before={"status": "draft"},
        after={"status": "approved", "digest": run.digest},
    )
