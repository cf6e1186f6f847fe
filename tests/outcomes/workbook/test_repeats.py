"""The repeat filter reports a participant twice in a group, and nothing else, however bits fall."""

import datetime

import pytest

from outcomes.workbook.participant_table import ParticipantTable
from outcomes.workbook.repeats import INITIAL_BITS, RepeatFilter

DAY = datetime.date(2027, 3, 1)


def digest(prefix: bytes, rest: int) -> bytes:
    """A 32-byte digest: `prefix` padded to 8 bytes, then `rest` in the other 24."""
    return prefix.ljust(8, b"\0") + rest.to_bytes(24, "big")


def run(rows) -> tuple[ParticipantTable, list]:
    """Accept (digest, metric, once_only, day) rows in order; return the table and the repeats."""
    table = ParticipantTable()
    repeats = RepeatFilter(table)
    for number, (pseudonym, metric, once_only, day) in enumerate(rows, start=2):
        index = len(table)
        table.append(number, pseudonym, metric, "2027", "", day)
        repeats.add(index, pseudonym, metric, once_only, day.toordinal())
    return table, repeats.settle()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # Same first 8 bytes, different digests: the same bit, but two people.
        ([(digest(b"same8byt", 1), "EMP6", True, DAY), (digest(b"same8byt", 2), "EMP6", True, DAY)],
         []),
        # The same digest twice for a once-only outcome: the second row (index 1) repeats row 0.
        ([(digest(b"a", 1), "EMP6", True, DAY), (digest(b"a", 1), "EMP6", True, DAY)],
         [(1, 0)]),
        # A once-only outcome counts once whatever the date.
        ([(digest(b"a", 1), "EMP6", True, DAY),
          (digest(b"a", 1), "EMP6", True, DAY + datetime.timedelta(days=1))],
         [(1, 0)]),
        # A repeatable outcome may come again on another day, not on the same day.
        ([(digest(b"a", 1), "VISIT", False, DAY),
          (digest(b"a", 1), "VISIT", False, DAY + datetime.timedelta(days=1)),
          (digest(b"a", 1), "VISIT", False, DAY)],
         [(2, 0)]),
        # Another metric is another group.
        ([(digest(b"a", 1), "EMP6", True, DAY), (digest(b"a", 1), "EDU12", True, DAY)], []),
        # Prefix twins between a true pair: only the true pair repeats, named by its first row.
        ([(digest(b"twin", 1), "EMP6", True, DAY), (digest(b"twin", 2), "EMP6", True, DAY),
          (digest(b"twin", 2), "EMP6", True, DAY), (digest(b"twin", 1), "EMP6", True, DAY)],
         [(2, 1), (3, 0)]),
    ],
)  # fmt: skip
def test_only_full_digests_decide_a_repeat(rows, expected):
    _, repeats = run(rows)
    assert repeats == expected


def test_repeats_are_found_across_the_bit_table_growing():
    # INITIAL_BITS / 32 rows fit before the table grows fourfold; 5 x that many grow it twice.
    count = INITIAL_BITS // 32 * 5
    people = [(digest(b"p", i), "EMP6", True, DAY) for i in range(count)]
    # Row 0 and row count // 2 come back at the end, after the table has grown.
    rows = [*people, people[0], people[count // 2]]
    table, repeats = run(rows)
    assert repeats == [(count, 0), (count + 1, count // 2)]
    assert len(table) == count + 2


def test_dropping_rows_keeps_the_others_in_order():
    table, _ = run([(digest(b"x", i), "EMP6", True, DAY) for i in range(6)])
    table.drop({1, 4})
    # Rows are numbered from 2: indexes 0, 2, 3, 5 are sheet rows 2, 4, 5, 7.
    assert [row.row for row in table] == [2, 4, 5, 7]
    assert [row.pseudonym for row in table] == [digest(b"x", i) for i in (0, 2, 3, 5)]
