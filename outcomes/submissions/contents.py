"""What one submission reports, for the evaluator to check before verifying it.

Aggregate values as stored, and participant rows counted per metric, period and area: never a
pseudonym, never a row of its own, so the answer links nobody to anything.
"""

from sqlalchemy import func, select

from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from sib.extensions import db


def submission_contents(submission: Submission) -> dict:
    """The submission's values (in sheet order) and its participant counts (sorted)."""
    values = db.session.scalars(
        select(OutcomeRecord)
        .where(OutcomeRecord.submission_id == submission.id)
        .order_by(OutcomeRecord.source_row)
    ).all()
    key = (ParticipantRecord.metric, ParticipantRecord.period, ParticipantRecord.area)
    counts = db.session.execute(
        select(*key, func.count())
        .where(ParticipantRecord.submission_id == submission.id)
        .group_by(*key)
        .order_by(*key)
    ).all()
    return {
        "submission": submission,
        "values": values,
        "participants": [
            {"metric": metric, "period": period, "area": area, "count": count}
            for metric, period, area, count in counts
        ],  # fmt: skip
    }
