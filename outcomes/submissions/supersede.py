"""Marking submissions superseded once later counted submissions give every one of their figures."""

from contracts.models import Contract
from outcomes.submissions.figures import counted_submissions, figure_keys, version_for
from outcomes.submissions.models import Submission
from sib import audit
from sib.actor import Actor
from sib.extensions import db


def mark_superseded(contract: Contract, actor: Actor) -> list[Submission]:
    """Mark each counted submission whose every figure a later counted one gives again.

    The status only summarises: the figures stay stored, and figures as of an earlier day still
    come from the superseded submission.
    """
    counted = counted_submissions(contract, version_for(contract, None))
    latest: dict = {}  # (metric, period, area) -> id of the latest counted upload giving it
    marked = []
    for submission in reversed(counted):
        keys = figure_keys(submission.id)
        if submission.status != "superseded" and keys and keys <= latest.keys():
            _supersede(submission, sorted({latest[key] for key in keys}), actor)
            marked.append(submission)
        for key in keys:
            latest.setdefault(key, submission.id)
    return marked


def _supersede(submission: Submission, by: list[int], actor: Actor) -> None:
    before = submission.status
    submission.status = "superseded"
    db.session.flush()
    audit.record(
        "submission.superseded",
        actor=actor,
        entity_type="submission",
        entity_id=submission.id,
        contract_id=submission.contract_id,
        before={"status": before},
        after={"status": "superseded", "by": by},
    )
