"""Which periods are past their deadline, which are ready to settle, and flagging the overdue."""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from contracts.engine.public import metrics_read_by
from contracts.models import Contract, Period
from contracts.service import version_in_force
from outcomes.deadlines.models import OverdueFlag
from outcomes.submissions.figures import figure_keys, figures_in_force, verification_required
from outcomes.submissions.models import Submission
from sib import audit
from sib.actor import Actor
from sib.extensions import db


@dataclass(frozen=True)
class Readiness:
    """A period's figures: the metrics it still lacks and the submissions awaiting verification."""

    period: Period
    missing: tuple[str, ...]
    unverified: tuple[int, ...]

    @property
    def is_ready(self) -> bool:
        return not self.missing and not self.unverified


def periods_past_deadline(contract: Contract, today: date) -> list[Period]:
    """The latest version's periods whose deadline (else end) is before today."""
    return [p for p in contract.versions[-1].periods if p.payment_on < today]


def readiness(contract: Contract, periods: list[Period]) -> list[Readiness]:
    """For each period: the metrics its terms need without a figure in force, and the unverified."""
    have = {(f.metric, f.period) for f in figures_in_force(contract)}
    waiting = _awaiting_verification(contract)
    result = []
    for period in periods:
        version = version_in_force(contract, period.payment_on)
        needed = metrics_read_by(version.agreed, period.label, aggregate_only=True)
        missing = tuple(m for m in needed if (m, period.label) not in have)
        unverified = tuple(sid for sid, labels in waiting.items() if period.label in labels)
        result.append(Readiness(period, missing, unverified))
    return result


def _awaiting_verification(contract: Contract) -> dict[int, set[str]]:
    if not verification_required(contract.versions[-1]):
        return {}
    pending = db.session.scalars(
        select(Submission.id).where(
            Submission.contract_id == contract.id, Submission.status == "validated"
        )
    )
    return {sid: {period for _, period, _ in figure_keys(sid)} for sid in pending}


def flag_overdue(contract: Contract, today: date, now: datetime, actor: Actor) -> list[OverdueFlag]:
    """Flag periods past their deadline lacking figures; resolve flags whose figures came in."""
    flags = {f.period_label: f for f in flags_of(contract)}
    open_flags = []
    for state in readiness(contract, periods_past_deadline(contract, today)):
        flag = flags.get(state.period.label)
        if state.is_ready:
            if flag is not None and flag.resolved_at is None:
                _resolve(contract, flag, now, actor)
            continue
        open_flags.append(_raise_flag(contract, flag, state, now, actor))
    db.session.flush()
    return open_flags


def _raise_flag(contract, flag, state: Readiness, now: datetime, actor: Actor) -> OverdueFlag:
    missing, unverified = json.dumps(list(state.missing)), json.dumps(list(state.unverified))
    if flag is None:
        flag = OverdueFlag(contract_id=contract.id, period_label=state.period.label,
                           deadline=state.period.payment_on, flagged_at=now)  # fmt: skip
        db.session.add(flag)
    elif flag.resolved_at is None and (flag.missing, flag.unverified) == (missing, unverified):
        flag.checked_at = now
        return flag
    flag.missing, flag.unverified, flag.checked_at, flag.resolved_at = (
        missing,
        unverified,
        now,
        None,
    )
    db.session.flush()
    audit.record("period.flagged_overdue", actor=actor, entity_type="overdue_flag",
                 entity_id=flag.id, contract_id=contract.id,
                 after={"period": flag.period_label, "missing": list(state.missing),
                        "unverified": list(state.unverified)})  # fmt: skip
    return flag


def _resolve(contract, flag: OverdueFlag, now: datetime, actor: Actor) -> None:
    flag.resolved_at = flag.checked_at = now
    audit.record("period.overdue_resolved", actor=actor, entity_type="overdue_flag",
                 entity_id=flag.id, contract_id=contract.id,
                 after={"period": flag.period_label})  # fmt: skip


def flags_of(contract: Contract, *, open_only: bool = False) -> list[OverdueFlag]:
    """A contract's overdue flags in period order of their deadlines."""
    query = select(OverdueFlag).where(OverdueFlag.contract_id == contract.id)
    if open_only:
        query = query.where(OverdueFlag.resolved_at.is_(None))
    return list(db.session.scalars(query.order_by(OverdueFlag.deadline, OverdueFlag.id)))
