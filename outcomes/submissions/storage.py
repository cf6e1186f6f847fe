"""Storing a checked workbook's rows in bulk, and the digits a stored value may have."""

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice

from sqlalchemy import insert

from outcomes.submissions.models import OutcomeRecord, ParticipantRecord
from outcomes.workbook.parse import ParsedWorkbook
from outcomes.workbook.results import RowError, row_error
from sib.extensions import db

#: rows per INSERT executemany: large enough to amortise round trips, small enough for memory
CHUNK_ROWS = 10_000
#: decimals a stored value keeps (the column is NUMERIC(38, 12) on PostgreSQL)
MAX_DECIMALS = 12
MAX_INTEGER_DIGITS = 26
#: called with (rows stored so far, rows to store) after each chunk
Progress = Callable[[int, int], None]


def storage_errors(parsed: ParsedWorkbook) -> Iterator[RowError]:
    """Values the reader accepts but the column cannot keep exactly (checked before storing)."""
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


def store_rows(submission_id: int, parsed: ParsedWorkbook, progress: Progress | None) -> None:
    """Insert a checked workbook's values and participant rows for this submission."""
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
