"""Verbs on payment runs: compute, approve per payer, settle; each flushes and never commits."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.engine.digest import digest_of
from contracts.engine.errors import InputError
from contracts.engine.settle import dumps_answer, settle
from contracts.models import Contract, Organisation
from outcomes.payments import position
from outcomes.payments.inputs import dumps_input, engine_input, period_of, version_for
from outcomes.payments.models import PaymentRun, RunInvestor, RunLine, RunPayer
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError

#: statuses whose figures were approved: the approved position is their sum
APPROVED = ("approved", "settled")


def compute_run(
    contract: Contract, period_label: str, actor: Actor, *, now: datetime | None = None
) -> tuple[PaymentRun, bool]:
    """Settle a contract through a period and store the run; the same inputs give the same run.

    Returns the run and whether it is new. Two requests racing with the same inputs: the second
    insert violates the unique (contract, digest) and raises IntegrityError; its edge rolls back
    and asks again (`compute_committed`), finding the winner's run.
    """
    now = now or datetime.now(UTC)
    period = period_of(contract, period_label)
    version = version_for(contract, period)
    terms = json.loads(version.document)
    values = engine_input(contract, terms, period)
    digest = digest_of(terms, values)
    approved = approved_position(contract)
    existing = _existing(contract, digest)
    if existing is not None:
        _refresh_if_stale(existing, approved, actor)
        return existing, False
    answer = _settled(terms, values)
    run = _stored(contract, period_label, version, values, answer, actor, now)
    _fill(run, terms, answer, approved)
    _supersede_drafts(run, actor)
    audit.record(
        "payment_run.computed",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=contract.id,
        after={"period": period_label, "digest": digest, "version": version.number},
    )
    return run, True


def compute_committed(
    contract: Contract, period_label: str, actor: Actor, *, now: datetime | None = None
) -> tuple[PaymentRun, bool]:
    """The edges' way to compute: commit once; when a racing request stored the same inputs
    first (IntegrityError), roll back and answer with its run."""
    reference = contract.reference
    try:
        result = compute_run(contract, period_label, actor, now=now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        contract = db.session.scalar(select(Contract).where(Contract.reference == reference))
        result = compute_run(contract, period_label, actor, now=now)
        db.session.commit()
    return result


def _existing(contract: Contract, digest: str) -> PaymentRun | None:
    return db.session.scalar(
        select(PaymentRun).where(PaymentRun.contract_id == contract.id, PaymentRun.digest == digest)
    )


def _settled(terms: dict, values: dict) -> dict:
    try:
        return settle(terms, values)
    except InputError as error:
        raise ServiceError(
            f"The figures in force cannot be settled: {len(error.problems)} problem(s).",
            [(p.path, p.message) for p in error.problems],
        ) from error


def _stored(contract, period_label, version, values, answer, actor, now) -> PaymentRun:
    run = PaymentRun(
        contract_id=contract.id,
        period_label=period_label,
        version_id=version.id,
        input_document=dumps_input(values),
        digest=answer["digest"],
        answer=dumps_answer(answer),
        allocation="{}",
        basis="",
        status="draft",
        created_by=actor.label,
        created_at=now,
    )
    db.session.add(run)
    db.session.flush()
    return run


def _fill(run: PaymentRun, terms: dict, answer: dict, approved: dict) -> None:
    """Write the run's lines, payers and investors from the answer and the approved position."""
    payers = [p["organisation"] for p in terms["parties"] if p["role"] == "outcome_payer"]
    investors = [p["organisation"] for p in terms["parties"] if p["role"] == "investor"]
    owed = position.owed_by_run(answer, run.period_label, approved, payers)
    total = position.totals(owed.allocation)
    organisations = _organisations(payers + investors)
    run.allocation = position.dumps_allocation(owed.allocation)
    run.basis = position.basis_of(approved)
    run.lines = [
        RunLine(position=i, period_label=ln.period, kind=ln.kind, term_id=ln.term,
                measure=ln.measure, amount=ln.amount, explanation=ln.explanation)
        for i, ln in enumerate(owed.lines)
    ]  # fmt: skip
    run.payers = [
        RunPayer(organisation=organisations[slug], position=i,
                 amount=total["payers"].get(slug, Decimal(0)))
        for i, slug in enumerate(payers)
    ]  # fmt: skip
    run.investors = [
        RunInvestor(organisation=organisations[slug], position=i,
                    principal=total["investors"].get(slug, {}).get("principal", Decimal(0)),
                    return_amount=total["investors"].get(slug, {}).get("return", Decimal(0)))
        for i, slug in enumerate(investors)
    ]  # fmt: skip
    db.session.flush()


def _organisations(slugs: list[str]) -> dict[str, Organisation]:
    rows = db.session.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))
    return {o.slug: o for o in rows}


def _refresh_if_stale(run: PaymentRun, approved: dict, actor: Actor) -> None:
    """A draft computed against an approved position that has since moved is computed again
    (its approvals too: what the payers approved is no longer what it owes)."""
    if run.status != "draft" or run.basis == position.basis_of(approved):
        return
    run.lines, run.payers, run.investors = [], [], []
    db.session.flush()
    _fill(run, json.loads(run.version.document), json.loads(run.answer), approved)
    audit.record(
        "payment_run.recomputed",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        after={"basis": run.basis},
    )


def _supersede_drafts(run: PaymentRun, actor: Actor) -> None:
    """Earlier drafts for the same period are replaced by the new run, so none is paid twice."""
    drafts = db.session.scalars(
        select(PaymentRun).where(
            PaymentRun.contract_id == run.contract_id,
            PaymentRun.period_label == run.period_label,
            PaymentRun.status == "draft",
            PaymentRun.id != run.id,
        )
    )
    for draft in drafts:
        draft.status = "superseded"
        audit.record(
            "payment_run.superseded",
            actor=actor,
            entity_type="payment_run",
            entity_id=draft.id,
            contract_id=run.contract_id,
            before={"status": "draft"},
            after={"status": "superseded", "by": run.id},
        )
    db.session.flush()


def approved_position(contract: Contract) -> dict[str, dict]:
    """Per period, the sum of what every approved or settled run owed for it."""
    runs = db.session.scalars(
        select(PaymentRun)
        .where(PaymentRun.contract_id == contract.id, PaymentRun.status.in_(APPROVED))
        .order_by(PaymentRun.id)
    )
    approved: dict[str, dict] = {}
    for run in runs:
        for label, figures in position.loads_allocation(run.allocation).items():
            approved[label] = position.add(approved.get(label, position.empty()), figures)
    return approved


def run_of(contract: Contract, run_id: int) -> PaymentRun:
    """A run of this contract by id, or 404."""
    run = db.session.get(PaymentRun, run_id)
    if run is None or run.contract_id != contract.id:
        raise NotFoundError(f"Contract {contract.reference} has no payment run {run_id}.")
    return run


def approve_run(
    run: PaymentRun, organisation_id: int, actor: Actor, *, now: datetime | None = None
) -> PaymentRun:
    """Approve one payer's share; the run is approved once every payer has approved its own."""
    now = now or datetime.now(UTC)
    _require_status(run, "draft", "approved")
    share = next((p for p in run.payers if p.organisation_id == organisation_id), None)
    if share is None:
        raise NotFoundError("Your organisation is not an outcome payer of this run.")
    if share.approved_at is not None:
        return run
    share.approved_by, share.approved_at = actor.label, now
    audit.record(
        "payment_run.payer_approved",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        after={"payer": share.organisation.slug, "amount": format(share.amount, "f")},
    )
    if all(p.approved_at is not None for p in run.payers):
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


def settle_run(run: PaymentRun, settled_on: date, reference: str, actor: Actor) -> PaymentRun:
    """Record that an approved run was paid: the date and the payment reference."""
    _require_status(run, "approved", "settled")
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
    db.session.flush()
    return run


def _require_status(run: PaymentRun, needed: str, doing: str) -> None:
    if run.status != needed:
        raise ConflictError(
            f"Payment run {run.id} is {run.status}; only a {needed} run can be {doing}."
        )
