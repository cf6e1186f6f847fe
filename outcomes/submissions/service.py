"""Verbs on submissions: verify or dispute one, read its problems; each audited, never committed.

Ingesting a workbook lives in `ingest` (it manages its own transactions); its public names are
importable from here too.
"""

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from contracts.models import Contract
from outcomes.submissions.ingest import catalogue_for, ingest_file, submission_by_digest
from outcomes.submissions.models import Submission
from outcomes.submissions.storage import CHUNK_ROWS, insert_rows
from outcomes.submissions.supersede import mark_superseded
from outcomes.workbook.annotate import errors_workbook
from outcomes.workbook.identity import mask_text
from outcomes.workbook.results import RowError
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError

__all__ = [
    "CHUNK_ROWS", "catalogue_for", "dispute_submission", "errors_workbook_of", "ingest_file",
    "insert_rows", "problem_path", "stored_errors", "submission_by_digest", "submission_of",
    "verify_submission",
]  # fmt: skip


def submission_of(contract: Contract, submission_id: int) -> Submission:
    """A submission of this contract, or 404 (another contract's submission does not exist here)."""
    submission = db.session.scalar(
        select(Submission).where(
            Submission.id == submission_id, Submission.contract_id == contract.id
        )
    )
    if submission is None:
        raise NotFoundError(f"Contract {contract.reference} has no submission {submission_id}.")
    return submission


def stored_errors(submission: Submission) -> list[RowError]:
    """The problems found in a rejected submission, as the reader reported them."""
    return [RowError(**entry) for entry in json.loads(submission.errors or "[]")]


def errors_workbook_of(submission: Submission) -> bytes:
    """The rejected file's marked-up copy as stored at upload (identifiers masked).

    A rejection recorded before such copies were stored gets the Errors sheet alone.
    """
    return submission.errors_workbook or errors_workbook(stored_errors(submission))


def problem_path(error: RowError) -> str:
    """Where a problem is, as Excel names it: Values!D7, a whole row Values!7:7, or the sheet."""
    if not error.sheet:
        return "workbook"
    sheet = error.sheet if re.fullmatch(r"\w+", error.sheet) else f"'{error.sheet}'"
    if error.cell:
        return f"{sheet}!{error.cell}"
    if error.row is not None:
        return f"{sheet}!{error.row}:{error.row}"
    return sheet


def verify_submission(submission: Submission, actor: Actor, comment: str = "") -> Submission:
    """Mark a validated (or disputed) submission verified: its figures now count."""
    _judge(submission, actor, "verified", comment, allowed=("validated", "disputed"))
    contract = db.session.get(Contract, submission.contract_id)
    mark_superseded(contract, actor)
    return submission


def dispute_submission(submission: Submission, actor: Actor, comment: str) -> Submission:
    """Mark a validated submission disputed, saying why; its figures do not count."""
    if not comment.strip():
        raise ServiceError(
            "Say why the data are disputed.", [("$.comment", "a comment is required")]
        )
    return _judge(submission, actor, "disputed", comment, allowed=("validated",))


def _judge(submission, actor, status, comment, *, allowed) -> Submission:
    if submission.status not in allowed:
        raise ConflictError(
            f"Submission {submission.id} is {submission.status}; only a "
            f"{' or '.join(allowed)} submission can be marked {status}.",
            [("$.status", f"is {submission.status}")],
        )
    before = {"status": submission.status, "note": submission.verification_note}
    submission.status = status
    # The note is shown to everyone who reads the submission: no identity number in it.
    submission.verification_note = mask_text(comment.strip()) or None
    submission.verified_by = actor.label
    submission.verified_at = datetime.now(UTC)
    db.session.flush()
    audit.record(
        f"submission.{status}",
        actor=actor,
        entity_type="submission",
        entity_id=submission.id,
        contract_id=submission.contract_id,
        before=before,
        after={"status": status, "note": submission.verification_note},
    )
    return submission
