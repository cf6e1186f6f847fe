"""Ingesting one workbook in three steps, so that no transaction stays open while it is read.

1. Read: whether this exact file was stored before, and what the parse needs from the database
   (the catalogue of the contract version in force). That transaction then ends (it commits,
   which keeps whatever the caller did before and passes the scheduler's lease fence).
2. Check: parse and validate the workbook with no transaction open and no pooled connection
   held (a 300k-row file takes about a minute; before, it held a transaction all along).
3. Store: one short transaction looks for the file again (another upload may have stored it
   meanwhile: that submission is the answer, as for any repeated file), checks that the version
   read in step 1 is still in force, stores the submission, its rows and its audit event, and
   commits once.

An amendment that lands during step 2 and changes nothing a workbook may name (metrics, periods,
areas) leaves the check valid: the file is stored against the new version. One that changes
them sends the file through the check again against the new version; if the contract is amended
again meanwhile, the upload answers 409 and stores nothing.
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.models import Contract, ContractVersion
from contracts.service import version_in_force
from outcomes.submissions.figures import verification_required
from outcomes.submissions.filenames import stored_file_name
from outcomes.submissions.models import Submission
from outcomes.submissions.settings import IngestSettings
from outcomes.submissions.storage import Progress, storage_errors, store_rows
from outcomes.submissions.supersede import mark_superseded
from outcomes.workbook.annotate import annotated_workbook
from outcomes.workbook.catalogue import Catalogue, catalogue_from_terms
from outcomes.workbook.parse import ParsedWorkbook, parse_workbook
from outcomes.workbook.results import RowError
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError

logger = logging.getLogger(__name__)
#: times a file is checked against the version in force before an amendment race answers 409
CHECKS = 2


class AmendedMeanwhileError(ConflictError):
    """The contract was amended during each check of the file: nothing was stored (409)."""


@dataclass(frozen=True)
class Plan:
    """What step 1 read: plain values, so that step 2 touches no ORM object (and no database)."""

    contract_id: int
    version_id: int
    catalogue: Catalogue


@dataclass(frozen=True)
class Checked:
    """Step 2's result: the submission's columns, its problems, and the rows to store if none."""

    columns: dict
    errors: tuple[RowError, ...]
    parsed: ParsedWorkbook | None


def catalogue_for(version: ContractVersion) -> Catalogue:
    """What a workbook for this version may name, from the terms document as imported."""
    # The stored text, not the loaded terms: x_areas is an extension that loading drops.
    return catalogue_from_terms(version.agreed.document)


def submission_by_digest(contract: Contract, sha256: str) -> Submission | None:
    """The submission of this exact file for this contract, if it was uploaded before."""
    return db.session.scalar(
        select(Submission).where(Submission.contract_id == contract.id, Submission.sha256 == sha256)
    )


def ingest_file(
    contract: Contract,
    file_name: str,
    data: bytes,
    actor: Actor,
    source: str = "upload",
    *,
    settings: IngestSettings,
    progress: Progress | None = None,
) -> tuple[Submission, bool]:
    """Read, check and store one workbook; the same file again returns the stored submission.

    Returns (submission, created). A file with problems is stored as a rejected submission only
    (with its errors and its masked errors workbook); a refused file (not an .xlsx, too large,
    ...) raises its WorkbookError and stores nothing. Ends the caller's transaction before the
    file is read and commits the new submission itself (see the module's docstring).
    """
    digest = hashlib.sha256(data).hexdigest()
    # Plain values: the ORM objects expire at each commit, and reloading them opens a transaction.
    contract_id, reference, received_at = contract.id, contract.reference, datetime.now(UTC)
    for _ in range(CHECKS):
        plan = _read(contract_id, digest)
        if isinstance(plan, Submission):
            return plan, False
        checked = check_workbook(data, plan.catalogue, settings)
        submission = Submission(
            contract_id=contract_id, file_name=stored_file_name(file_name), sha256=digest,
            size=len(data), uploaded_by=actor.label, source=source, uploaded_at=received_at,
            uploaded_by_organisation_id=actor.organisation_id, **checked.columns,
        )  # fmt: skip
        answer = _store(plan, checked, submission, actor, progress)
        if answer is not None:
            return answer
    raise AmendedMeanwhileError(
        f"Contract {reference} was amended while the file was being read, twice; "
        "nothing was stored. Upload the file again.",
        [("file", "the contract was amended while the file was read")],
    )


def _read(contract_id: int, digest: str) -> Plan | Submission:
    """Step 1: the earlier submission of this file, or what the check needs; then commit."""
    contract = db.session.get(Contract, contract_id)
    existing = submission_by_digest(contract, digest)
    if existing is not None:
        return existing
    version = version_in_force(contract)
    plan = Plan(contract_id, version.id, catalogue_for(version))
    db.session.commit()
    return plan


def check_workbook(data: bytes, catalogue: Catalogue, settings: IngestSettings) -> Checked:
    """Step 2: parse and validate; needs no database. A refused file raises WorkbookError."""
    parsed = parse_workbook(data, catalogue, pseudonym_key=settings.pseudonym_key,
                            limits=settings.limits)  # fmt: skip
    errors = tuple(parsed.errors or storage_errors(parsed))
    columns = {
        "status": "rejected" if errors else "validated",
        "row_counts": json.dumps(parsed.row_counts, sort_keys=True),
        "extra_columns": json.dumps([list(pair) for pair in parsed.extra_columns]),
        "ignored_sheets": json.dumps(list(parsed.ignored_sheets)),
        "errors": json.dumps([error_json(e) for e in errors]) if errors else None,
    }
    if not errors:
        return Checked(columns, errors, parsed)
    cells = parsed.cells
    del parsed  # the rows are not stored; free them before the marked copy is made
    # Made now, from the bytes in memory, since they are not kept; masked, so it may be.
    limits = settings.limits
    columns["errors_workbook"] = annotated_workbook(
        data, errors, max_bytes=limits.marked_copy_max_bytes, cells=cells,
        max_cells=limits.marked_copy_max_cells, mask_identifiers=True,
    )  # fmt: skip
    return Checked(columns, errors, None)


def _store(plan: Plan, checked: Checked, submission: Submission, actor: Actor,
           progress: Progress | None) -> tuple[Submission, bool] | None:  # fmt: skip
    """Step 3, one transaction: None (rolled back) when the check must run again."""
    contract = db.session.get(Contract, plan.contract_id)
    existing = submission_by_digest(contract, submission.sha256)
    if existing is not None:
        return existing, False
    version = version_in_force(contract)
    if version.id != plan.version_id and _named(catalogue_for(version)) != _named(plan.catalogue):
        db.session.rollback()
        return None
    submission.version_id = version.id
    existing = _claim(contract, submission)
    if existing is not None:
        return existing, False
    if checked.parsed is not None:
        store_rows(submission.id, checked.parsed, progress)
    _record_ingest(submission, actor, len(checked.errors))
    if submission.status == "validated" and not verification_required(version):
        mark_superseded(contract, actor)
    db.session.commit()
    return submission, True


def _named(catalogue: Catalogue) -> tuple:
    """What a check depends on: the title is only shown in the template, never checked."""
    return catalogue.reference, catalogue.metrics, catalogue.periods, catalogue.areas


def _claim(contract: Contract, submission: Submission) -> Submission | None:
    """Insert the submission; if the same file won a race, return that one instead.

    On PostgreSQL a racing insert of the same file waits on the unique index until the first
    commits, then fails here; the savepoint keeps this transaction usable to read the winner.
    """
    try:
        with _savepoint():
            db.session.add(submission)
            db.session.flush()
    except IntegrityError:
        existing = submission_by_digest(contract, submission.sha256)
        if existing is None:
            raise
        return existing
    return None


@contextmanager
def _savepoint():
    """A savepoint around the insert that may lose a race, so losing it keeps the transaction."""
    connection = db.session.connection()
    if (
        connection.dialect.name == "sqlite"
        and not connection.connection.driver_connection.in_transaction
    ):
        # pysqlite opens a transaction only at the first write; a SAVEPOINT outside one starts
        # a transaction that RELEASE commits. Nothing is written yet, so a rollback loses nothing.
        try:
            yield
        except IntegrityError:
            db.session.rollback()
            raise
        return
    with db.session.begin_nested():
        yield


def error_json(error: RowError) -> dict:
    """A problem as stored in the submission's errors column."""
    return {
        "sheet": error.sheet,
        "row": error.row,
        "column": error.column,
        "cell": error.cell,
        "value": error.value,
        "message": error.message,
        "reason": error.reason,
    }


def _record_ingest(submission: Submission, actor: Actor, error_count: int) -> None:
    audit.record(
        f"submission.{submission.status}",
        actor=actor,
        entity_type="submission",
        entity_id=submission.id,
        contract_id=submission.contract_id,
        after={"file_name": submission.file_name, "sha256": submission.sha256,
               "size": submission.size, "source": submission.source,
               "status": submission.status, "row_counts": json.loads(submission.row_counts),
               "errors": error_count},
    )  # fmt: skip
    logger.info(
        "submission %s of contract %s: %s (%s problems)",
        submission.id, submission.contract_id, submission.status, error_count,
    )  # fmt: skip
