"""Verbs on submissions: ingest a workbook, verify or dispute it; each audited, never committed."""

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain, islice

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from contracts.models import Contract, ContractVersion
from contracts.service import version_in_force
from outcomes.submissions.figures import verification_required
from outcomes.submissions.filenames import stored_file_name
from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from outcomes.submissions.settings import IngestSettings
from outcomes.submissions.supersede import mark_superseded
from outcomes.workbook.annotate import annotated_workbook, errors_workbook
from outcomes.workbook.catalogue import Catalogue, catalogue_from_terms
from outcomes.workbook.identity import mask_text
from outcomes.workbook.limits import WorkbookError
from outcomes.workbook.parse import ParsedWorkbook, parse_workbook
from outcomes.workbook.results import RowError, row_error
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError

logger = logging.getLogger(__name__)
#: rows per INSERT executemany: large enough to amortise round trips, small enough for memory
CHUNK_ROWS = 10_000
#: decimals a stored value keeps (the column is NUMERIC(38, 12) on PostgreSQL)
MAX_DECIMALS = 12
MAX_INTEGER_DIGITS = 26
#: called with (rows stored so far, rows to store) after each chunk
Progress = Callable[[int, int], None]


def catalogue_for(version: ContractVersion) -> Catalogue:
    """What a workbook for this version may name, from the terms document as imported."""
    # The stored text, not the loaded terms: x_areas is an extension that loading drops.
    return catalogue_from_terms(version.agreed.document)


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
    ...) raises its WorkbookError and stores nothing.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = submission_by_digest(contract, digest)
    if existing is not None:
        return existing, False
    version = version_in_force(contract)
    # The file is claimed before it is read, so a racing upload of the same file waits here
    # instead of reading it too. Its bytes are never stored: they hold identity numbers.
    submission = _new_submission(contract, version, file_name, data, digest, actor, source)
    existing = _claim(contract, submission)
    if existing is not None:
        return existing, False
    parsed = _parse(submission, data, version, settings)
    errors = parsed.errors or tuple(_storage_errors(parsed))
    _describe(submission, parsed, errors)
    if not errors:
        _store_rows(submission.id, parsed, progress)
    cells = parsed.cells
    del parsed
    if errors:
        # Made now, from the bytes in memory, since they are not kept; masked, so it may be.
        limits = settings.limits
        submission.errors_workbook = annotated_workbook(
            data, errors, max_bytes=limits.marked_copy_max_bytes, cells=cells,
            max_cells=limits.marked_copy_max_cells, mask_identifiers=True,
        )  # fmt: skip
    db.session.flush()
    _record_ingest(submission, actor, len(errors))
    if not errors and not verification_required(version):
        mark_superseded(contract, actor)
    return submission, True


def _claim(contract: Contract, submission: Submission) -> Submission | None:
    """Insert the submission as received; if the same file won a race, return that one."""
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


def _parse(submission: Submission, data: bytes, version, settings) -> ParsedWorkbook:
    try:
        return parse_workbook(data, catalogue_for(version), pseudonym_key=settings.pseudonym_key,
                              limits=settings.limits)  # fmt: skip
    except WorkbookError:
        # A refused file leaves nothing behind, even if the caller commits regardless.
        db.session.delete(submission)
        db.session.flush()
        raise


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


def _new_submission(contract, version, file_name, data, digest, actor, source) -> Submission:
    return Submission(
        contract_id=contract.id,
        version_id=version.id,
        file_name=stored_file_name(file_name),
        sha256=digest,
        size=len(data),
        uploaded_by=actor.label,
        uploaded_by_organisation_id=actor.organisation_id,
        uploaded_at=datetime.now(UTC),
        source=source,
        status="received",
    )


def _describe(submission: Submission, parsed: ParsedWorkbook, errors) -> None:
    submission.status = "rejected" if errors else "validated"
    submission.row_counts = json.dumps(parsed.row_counts, sort_keys=True)
    submission.extra_columns = json.dumps([list(pair) for pair in parsed.extra_columns])
    submission.ignored_sheets = json.dumps(list(parsed.ignored_sheets))
    submission.errors = json.dumps([_error_json(e) for e in errors]) if errors else None


def _error_json(error: RowError) -> dict:
    return {
        "sheet": error.sheet,
        "row": error.row,
        "column": error.column,
        "cell": error.cell,
        "value": error.value,
        "message": error.message,
        "reason": error.reason,
    }


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


def _storage_errors(parsed: ParsedWorkbook) -> Iterator[RowError]:
    # The reader accepts any exact decimal; the column keeps 12 decimals and 26 integer digits.
    for row in parsed.values:
        sign, digits, exponent = row.value.as_tuple()
        if -exponent > MAX_DECIMALS or len(digits) + exponent > MAX_INTEGER_DIGITS:
            yield row_error(
                _values_sheet(parsed), row.row, "Value", format(row.value, "f"),
                f"has more digits than can be stored; write at most {MAX_DECIMALS} decimals "
                f"and {MAX_INTEGER_DIGITS} digits before the decimal point.",
            )  # fmt: skip


def _values_sheet(parsed: ParsedWorkbook) -> str:
    return next((name for name in parsed.row_counts if name.casefold() in ("values", "värden")),
                "Values")  # fmt: skip


def _store_rows(submission_id: int, parsed: ParsedWorkbook, progress: Progress | None) -> None:
    values = (
        {"submission_id": submission_id, "metric": v.metric, "period": v.period, "area": v.area,
         "value": v.value, "comment": v.comment, "source_row": v.row}
        for v in parsed.values
    )  # fmt: skip
    participants = (
        {"submission_id": submission_id, "pseudonym": p.pseudonym.hex(), "metric": p.metric,
         "period": p.period, "area": p.area, "achieved_on": p.achieved_on, "source_row": p.row}
        for p in parsed.participants
    )  # fmt: skip
    total = len(parsed.values) + len(parsed.participants)
    done = insert_rows(OutcomeRecord, values, lambda n: progress and progress(n, total))
    insert_rows(ParticipantRecord, participants, lambda n: progress and progress(done + n, total))


def insert_rows(model, rows: Iterable[dict], stored: Callable[[int], object] = bool) -> int:
    """Insert rows in bulk, in the session's transaction, never one ORM object at a time.

    PostgreSQL gets COPY (several times faster than INSERT for large files); other databases a
    Core executemany per chunk. `stored` is told the running count; the count is returned.
    """
    connection = db.session.connection()
    if connection.dialect.driver == "psycopg":
        return _copy_rows(connection, model.__table__, iter(rows), stored)
    statement = insert(model.__table__)
    iterator, count = iter(rows), 0
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        db.session.execute(statement, chunk)
        count += len(chunk)
        stored(count)
    return count


def _copy_rows(connection, table, rows: Iterator[dict], stored) -> int:
    first = next(rows, None)
    if first is None:
        return 0
    quote = connection.dialect.identifier_preparer.quote
    columns = list(first)
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in columns]
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
    count = 0
    # The session's own DBAPI connection: COPY joins its transaction, so a rollback undoes it.
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in chain((first,), rows):
            values = [row[name] for name in columns]
            copy.write_row([p(v) if p else v for p, v in zip(processors, values, strict=True)])
            count += 1
            if count % CHUNK_ROWS == 0:
                stored(count)
    stored(count)
    return count


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
