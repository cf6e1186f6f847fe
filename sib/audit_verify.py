"""Walks the audit log: links, hashes, seals, the chain head and every checkpoint held.

Finds a changed row (its hash or its seal no longer matches), a forged or recomputed row (no
valid seal: whoever wrote it lacked the audit key), a deleted row (a gap or a broken link),
and a deleted tail or an emptied log (shorter than a checkpoint, or than the chain head).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from flask import current_app
from sqlalchemy import select

from sib.audit import GENESIS_HASH, AuditChainHead, AuditEvent, canonical_json, chain_hash
from sib.audit_checkpoint import Checkpoint, published
from sib.audit_keys import Keyring, current_keyring
from sib.extensions import db

#: rows read per query while verifying; bounds memory however long the log
VERIFY_BATCH = 1000


def verify(held: Sequence[Checkpoint] = ()) -> dict:
    """Walk the whole log against the checkpoints held and those in the outbox.

    Returns {ok, checked, first_bad_seq, problem, checkpoint_seq, unsealed}: `checked` rows were
    sound before the first bad one; `checkpoint_seq` is the furthest checkpoint compared;
    `unsealed` counts rows written before the log was keyed.
    """
    keyring = current_keyring()
    outbox, problems = published(current_app.config.get("AUDIT_CHECKPOINT_DIR"))
    checkpoints = [*outbox, *held]
    problems += [
        f"the checkpoint of {c.at} (seq {c.seq}) is not signed by a known audit key: {problem}"
        for c in checkpoints
        if (problem := c.signature_problem(keyring))
    ]
    walk = Walk(keyring, checkpoints, int(current_app.config.get("AUDIT_UNSEALED_UNTIL") or 0))
    if problems:
        return walk.verdict(None, "; ".join(problems))
    return walk.run()


class Walk:
    """One pass over the log, oldest first, remembering what the next row must match."""

    def __init__(
        self, keyring: Keyring | None, checkpoints: Sequence[Checkpoint], unsealed_until: int = 0
    ) -> None:
        self.keyring, self.unsealed_until = keyring, unsealed_until
        self.pins: dict[int, list[Checkpoint]] = defaultdict(list)
        for checkpoint in checkpoints:
            self.pins[checkpoint.seq].append(checkpoint)
        self.furthest = max(checkpoints, key=lambda c: c.seq, default=None)
        self.keyed_from = min((c.keyed_from for c in checkpoints), default=None)
        self.expected, self.prev_hash, self.checked = 1, GENESIS_HASH, 0
        self.sealed_seen, self.unsealed = False, 0

    def run(self) -> dict:
        table = AuditEvent.__table__
        while True:
            query = select(table).where(table.c.seq >= self.expected).order_by(table.c.seq)
            rows = db.session.execute(query.limit(VERIFY_BATCH)).mappings().all()
            bad = self.through(rows)
            if bad:
                return bad
            if len(rows) < VERIFY_BATCH:
                break
        found = self.length_problem() or self.head_problem()
        return self.verdict(*found) if found else self.verdict(None, None)

    def through(self, rows: Iterable[Mapping]) -> dict | None:
        """Check rows in sequence order: the verdict at the first bad one, else None."""
        for row in rows:
            problem = self.row_problem(row)
            if problem:
                return self.verdict(self.expected, problem)
            self.expected, self.prev_hash = self.expected + 1, row["hash"]
            self.checked += 1
        return None

    def row_problem(self, row: Mapping) -> str | None:
        seq = self.expected
        if row["seq"] != seq:
            return f"row {seq} is missing"
        if row["prev_hash"] != self.prev_hash:
            return f"row {seq} does not follow the row before it"
        if chain_hash(self.prev_hash, canonical_json(row)) != row["hash"]:
            return f"row {seq} was changed after it was written"
        return self.seal_problem(row) or self.checkpoint_problem(row)

    def seal_problem(self, row: Mapping) -> str | None:
        seq = row["seq"]
        if row["seal"] is None:
            if not self.may_be_unsealed(seq):
                return (
                    f"row {seq} has no seal: written without the audit key (rows from before "
                    f"the log was sealed pass only up to AUDIT_UNSEALED_UNTIL, "
                    f"{self.unsealed_until}, and before the first sealed row)"
                )
            self.unsealed += 1
            return None
        self.sealed_seen = True
        if not self.keyring.is_sealed(row["hash"], row["seal"], row["key_id"] or ""):
            return (
                f"row {seq} does not carry the audit key's seal: changed, or written "
                "without the key"
            )
        return None

    def may_be_unsealed(self, seq: int) -> bool:
        # A log written before sealing began is accepted as far as the operator vouches for
        # it, and never after a sealed row or where a checkpoint recorded sealing.
        before_keyed = self.keyed_from is None or seq < self.keyed_from
        return seq <= self.unsealed_until and before_keyed and not self.sealed_seen

    def checkpoint_problem(self, row: Mapping) -> str | None:
        for checkpoint in self.pins.get(row["seq"], ()):
            if checkpoint.hash != row["hash"]:
                return f"row {row['seq']} is not the row the checkpoint of {checkpoint.at} signed"
        return None

    def length_problem(self) -> tuple[int, str] | None:
        last, furthest = self.expected - 1, self.furthest
        if furthest is None or furthest.seq <= last:
            return None
        held = f"the checkpoint of {furthest.at} recorded {furthest.seq} event(s)"
        if last == 0:
            return 1, f"the log is empty but {held}: rows deleted"
        return last + 1, f"the log ends at {last} but {held}: rows deleted"

    def head_problem(self) -> tuple[int, str] | None:
        # The chain alone cannot show a cut-off tail or a rewritten last row; the head can.
        head = db.session.execute(select(AuditChainHead.__table__)).mappings().first()
        last, last_hash = self.expected - 1, self.prev_hash
        if head is None:
            return None
        if head["seq"] > last:
            return last + 1, f"the log ends at {last} but its head says {head['seq']}: rows deleted"
        if head["seq"] < last:
            return head["seq"] + 1, f"rows after {head['seq']} were written around the chain head"
        if head["hash"] != last_hash:
            return last, f"row {last} does not match the chain head"
        return None

    def verdict(self, first_bad_seq: int | None, problem: str | None) -> dict:
        return {
            "ok": problem is None,
            "checked": self.checked,
            "first_bad_seq": first_bad_seq,
            "problem": problem,
            "checkpoint_seq": self.furthest.seq if self.furthest else None,
            "unsealed": self.unsealed,
        }
