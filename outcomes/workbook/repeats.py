"""Finding a participant named twice in one group without a Python object per participant (pure).

A set of 32-byte digests per group costs about 100 bytes a participant: 100 MB at a million
rows, the largest part of a parse. Here each accepted row sets one bit of a table, chosen by its
group and the first 8 bytes of its digest, and a row whose bit is already set is only noted as a
suspect (4 bytes). After the pass the suspects are settled by comparing full digests, so a shared
bit or a shared 8-byte prefix never reports a repeat that is not one.
"""

from __future__ import annotations

from array import array

from outcomes.workbook.participant_table import ParticipantTable

INITIAL_BITS = 1 << 16
#: The table grows fourfold once rows exceed bits / BITS_PER_ROW: about 1 row in 32 or fewer
#: lands on a set bit by chance, so suspects stay few and settling them stays quick.
BITS_PER_ROW = 32
GROWTH = 4


def group_key(code: str, once_only: bool, ordinal: int) -> tuple[str, int]:
    """A once-only outcome counts once per participant; a repeatable one once a day."""
    return (code, 0 if once_only else ordinal)


class RepeatFilter:
    """Marks the rows of one table as they are accepted; `settle` finds the true repeats."""

    def __init__(self, table: ParticipantTable):
        self._table = table
        self._bits = bytearray(INITIAL_BITS // 8)
        self._mask = INITIAL_BITS - 1
        #: Table indexes of rows whose bit was already set when they were added.
        self._suspects = array("I")
        self._once_only: dict[str, bool] = {}

    def add(self, index: int, digest: bytes, code: str, once_only: bool, ordinal: int) -> None:
        """Mark row `index` of the table: this digest achieved metric `code` on day `ordinal`."""
        self._once_only[code] = once_only
        group = group_key(code, once_only, ordinal)
        bit = (int.from_bytes(digest[:8], "little") ^ hash(group)) & self._mask
        byte, flag = bit >> 3, 1 << (bit & 7)
        if self._bits[byte] & flag:
            self._suspects.append(index)
        else:
            self._bits[byte] |= flag
        if index * BITS_PER_ROW > self._mask:
            self._grow(index + 1)

    def _grow(self, rows: int) -> None:
        # The table holds every row marked so far, so the bits are rebuilt from it.
        size = (self._mask + 1) * GROWTH
        bits, mask = bytearray(size // 8), size - 1
        table = self._table
        for index in range(rows):
            bit = (table.prefix(index) ^ hash(self._group(index))) & mask
            bits[bit >> 3] |= 1 << (bit & 7)
        self._bits, self._mask = bits, mask

    def _group(self, index: int) -> tuple[str, int]:
        code = self._table.metric(index)
        return group_key(code, self._once_only[code], self._table.ordinal(index))

    def settle(self) -> list[tuple[int, int]]:
        """Return (index, index of the group's first row with that digest) for each true repeat,
        in row order."""
        if not self._suspects:
            return []
        table = self._table
        wanted = {table.digest(index) for index in self._suspects}
        first: dict = {}
        repeats = []
        for index, digest in table.matching(wanted):
            key = (self._group(index), digest)
            earlier = first.setdefault(key, index)
            if earlier != index:
                repeats.append((index, earlier))
        return repeats
