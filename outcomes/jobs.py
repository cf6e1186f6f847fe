"""The scheduler's jobs: close periods into draft runs, flag overdue data (the inbox scan is
in outcomes.inbox).

Each job is thin and safe to run twice: a file already ingested is recognised by its digest, a
run already computed by its inputs' digest, a flag already raised is only re-checked. Each job
commits per item, so one bad file or contract does not undo the others' work; the scheduler
fences each of those commits with its lease (sib.scheduler.fence).
"""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from contracts.models import Contract
from outcomes.deadlines.service import flag_overdue, periods_past_deadline, readiness
from outcomes.payments.service import compute_committed
from sib.actor import Actor
from sib.audit_checkpoint import publish, verified_checkpoint
from sib.audit_keys import current_keyring
from sib.extensions import db
from sib.problems import ServiceError

logger = logging.getLogger(__name__)
SCHEDULER = Actor.system("scheduler")


def active_contracts() -> list[Contract]:
    """Contracts the jobs look after (not closed or terminated)."""
    return list(
        db.session.scalars(
            select(Contract).where(Contract.status == "active").order_by(Contract.reference)
        )
    )


def close_periods(now: datetime) -> dict:
    """Compute a draft run for each period past its deadline whose figures are all in force."""
    counts = {"computed": 0, "unchanged": 0, "not_ready": 0, "failed": 0}
    for contract in active_contracts():
        for state in readiness(contract, periods_past_deadline(contract, now.date())):
            if not state.is_ready:
                counts["not_ready"] += 1
                continue
            try:
                _, created = compute_committed(contract, state.period.label, SCHEDULER, now=now)
            except ServiceError as error:
                db.session.rollback()
                logger.warning("period close %s %s: %s", contract.reference,
                               state.period.label, error.detail)  # fmt: skip
                counts["failed"] += 1
                continue
            counts["computed" if created else "unchanged"] += 1
    return counts


def flag_overdue_periods(now: datetime) -> dict:
    """Flag every active contract's periods past their deadline with missing or unverified data."""
    counts = {"contracts": 0, "overdue": 0}
    for contract in active_contracts():
        counts["contracts"] += 1
        counts["overdue"] += len(flag_overdue(contract, now.date(), now, SCHEDULER))
        db.session.commit()
    return counts


def publish_audit_checkpoint(now: datetime) -> dict:
    """Sign the audit chain's head and publish it to the checkpoint outbox (docs/audit.md).

    A broken chain is never checkpointed: the run reports the first bad seq instead.
    """
    outbox = current_app.config.get("AUDIT_CHECKPOINT_DIR")
    if not outbox:
        return {"published": 0}
    checkpoint, verdict = verified_checkpoint(current_keyring())
    if checkpoint is None:
        logger.error("audit chain broken at seq %s: %s; no checkpoint published",
                     verdict["first_bad_seq"], verdict["problem"])  # fmt: skip
        return {"published": 0, "broken_at": verdict["first_bad_seq"]}
    publish(checkpoint, outbox)
    return {"published": 1, "seq": checkpoint.seq}
