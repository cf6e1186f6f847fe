"""Verbs that compute payment runs from the engine's typed answer; each flushes, never commits."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.engine.public import Answer, InputError, digest_of, dumps_answer, settle
from contracts.models import Contract, Organisation
from outcomes.payments import position
from outcomes.payments.inputs import dumps_input, engine_input, period_of, version_for
from outcomes.payments.models import PaymentRun, RunInvestor, RunLine, RunPayer, RunSettlement
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError

#: statuses whose figures were approved: the approved position is their sum
APPROVED = ("approved", "settled")
ZERO = Decimal(0)


def compute_run(
    contract: Contract,
    period_label: str,
    actor: Actor,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> tuple[PaymentRun, bool]:
    """Settle a contract through a period and store the run; the same inputs give the same run.

    Returns the run and whether it is new. A period whose payment date is after `today` is
    refused: its money is not due yet (ask for a forecast instead). Two requests racing with
    the same inputs: the second insert violates the unique (contract, digest) and raises
    IntegrityError; its edge rolls back and asks again (`compute_committed`).
    """
    now = now or datetime.now(UTC)
    period = period_of(contract, period_label)
    require_due(period, today or now.date())
    version, values = settlement_inputs(contract, period)
    digest = digest_of(version.agreed.document, values)
    approved = approved_position(contract)
    existing = _existing(contract, digest)
    if existing is not None:
        _refresh_if_stale(existing, approved, actor)
        return existing, False
    answer = settled_answer(version, values)
    run = _stored(contract, period_label, version, values, answer, actor, now)
    _fill(run, answer, approved)
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


def settlement_inputs(contract: Contract, period) -> tuple:
    """The terms version that settles a period and the engine's input through it."""
    version = version_for(contract, period)
    return version, engine_input(contract, version.agreed.document, period)


def require_due(period, today: date) -> None:
    """Refuse a run for a period whose payment date has not come (a 422 naming the date)."""
    if period.payment_on > today:
        raise ServiceError(
            f"Period {period.label} is paid on {period.payment_on}, which is after today "
            f"({today}); its money is not due yet. Ask for a forecast instead (the "
            "contract's /forecasts, same period): it is stored apart and never approved.",
            [("$.period", f"payment date {period.payment_on} is in the future")],
        )  # fmt: skip


def compute_committed(
    contract: Contract,
    period_label: str,
    actor: Actor,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> tuple[PaymentRun, bool]:
    """The edges' way to compute: commit once; when a racing request stored the same inputs
    first (IntegrityError), roll back and answer with its run."""
    reference = contract.reference
    try:
        result = compute_run(contract, period_label, actor, now=now, today=today)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        contract = db.session.scalar(select(Contract).where(Contract.reference == reference))
        result = compute_run(contract, period_label, actor, now=now, today=today)
        db.session.commit()
    return result


def _existing(contract: Contract, digest: str) -> PaymentRun | None:
    return db.session.scalar(
        select(PaymentRun).where(PaymentRun.contract_id == contract.id, PaymentRun.digest == digest)
    )


def settled_answer(version, values: dict) -> Answer:
    """The engine's typed answer for a version's terms and an input, or a 422 problem."""
    try:
        return settle(version.agreed, values)
    except InputError as error:
        raise ServiceError(
            f"The figures in force cannot be settled: {len(error.problems)} problem(s).",
            [(p.path, p.message) for p in error.problems],
        ) from error


def stored_answer(run: PaymentRun) -> Answer:
    """A stored run's typed answer, settled again from its stored terms version and input."""
    return settled_answer(run.version, json.loads(run.input_document))


def _stored(contract, period_label, version, values, answer, actor, now) -> PaymentRun:
    run = PaymentRun(
        contract_id=contract.id,
        period_label=period_label,
        version_id=version.id,
        input_document=dumps_input(values),
        digest=answer.digest,
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


def _fill(run: PaymentRun, answer: Answer, approved: dict) -> None:
    """Write the run's lines, obligations and investors from the typed answer."""
    contract = answer.contract
    owed = position.owed_by_run(answer, run.period_label, approved)
    total = position.totals(owed.allocation)
    investors = [i.org for i in contract.investors]
    guarantors = [g for g in contract.guarantors() if position.sum_of(
        total["guarantees"].get(g, {})) != 0]  # fmt: skip
    organisations = _organisations([*contract.payers, *investors, *contract.guarantors()])
    run.allocation = position.dumps_allocation(owed.allocation)
    run.basis = position.basis_of(approved)
    run.provider_amount = total["provider"]
    run.lines = [_line(i, ln, organisations) for i, ln in enumerate(owed.lines)]
    obligations = [
        RunPayer(organisation=organisations[slug], position=i, kind="outcomes",
                 amount=total["payers"].get(slug, ZERO))
        for i, slug in enumerate(contract.payers)
    ]  # fmt: skip
    obligations += [
        RunPayer(organisation=organisations[slug], position=len(obligations) + i,
                 kind="guarantee", amount=position.sum_of(total["guarantees"][slug]))
        for i, slug in enumerate(guarantors)
    ]  # fmt: skip
    run.payers = obligations
    run.investors = [
        RunInvestor(organisation=organisations[slug], position=i,
                    principal=_got(total, slug, "principal"),
                    return_amount=_got(total, slug, "return"),
                    guarantee=_got(total, slug, "guarantee"))
        for i, slug in enumerate(investors)
    ]  # fmt: skip
    db.session.flush()


def _got(total: dict, investor: str, key: str) -> Decimal:
    return total["investors"].get(investor, {}).get(key, ZERO)


def _line(index: int, line: position.Line, organisations: dict) -> RunLine:
    return RunLine(
        position=index, period_label=line.period, kind=line.kind, term_id=line.term,
        measure=line.measure, amount=line.amount, explanation=line.explanation,
        organisation=organisations.get(line.organisation) if line.organisation else None,
        investor=organisations.get(line.investor) if line.investor else None,
    )  # fmt: skip


def _organisations(slugs: list[str]) -> dict[str, Organisation]:
    rows = db.session.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))
    return {o.slug: o for o in rows}


def _refresh_if_stale(run: PaymentRun, approved: dict, actor: Actor) -> None:
    """A draft computed against an approved position that has since moved is computed again
    (its approvals too: what the payers approved is no longer what it owes)."""
    if run.status != "draft" or run.basis == position.basis_of(approved):
        return
    run = locked(run)
    if run.status != "draft":
        return
    run.lines, run.payers, run.investors = [], [], []
    db.session.flush()
    _fill(run, stored_answer(run), approved)
    audit.record(
        "payment_run.recomputed",
        actor=actor,
        entity_type="payment_run",
        entity_id=run.id,
        contract_id=run.contract_id,
        after={"basis": run.basis},
    )


def _supersede_drafts(run: PaymentRun, actor: Actor) -> None:
    """Earlier drafts for the same period are replaced by the new run, so none is paid twice.

    The drafts are locked before anything is audited (the lock order of docs/locking.md); a
    draft approved meanwhile no longer matches once its lock is granted, and stays approved.
    """
    drafts = db.session.scalars(
        select(PaymentRun)
        .where(
            PaymentRun.contract_id == run.contract_id,
            PaymentRun.period_label == run.period_label,
            PaymentRun.status == "draft",
            PaymentRun.id != run.id,
        )
        .order_by(PaymentRun.id)
        .with_for_update()
    ).all()
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


def locked(run: PaymentRun) -> PaymentRun:
    """The run re-read under a row lock (PostgreSQL), so concurrent verbs on it queue up.

    Lock order (docs/locking.md): a verb locks the run rows it changes before it appends to
    the audit log (whose lock every writer takes last), so two verbs never wait on each other
    in opposite orders. What was read before the lock is read again after it.
    """
    fresh = db.session.scalars(
        select(PaymentRun)
        .where(PaymentRun.id == run.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    for row in list(db.session.identity_map.values()):
        if isinstance(row, RunPayer | RunSettlement) and row.run_id == fresh.id:
            db.session.expire(row)
    db.session.expire(fresh, ["payers", "settlements"])
    return fresh


def require_status(run: PaymentRun, needed: str, doing: str) -> None:
    """Refuse (409) a verb on a run that is not in the status it needs."""
    if run.status != needed:
        raise ConflictError(
            f"Payment run {run.id} is {run.status}; only a {needed} run can be {doing}."
        )
