"""The append-only, hash-chained audit log; each write records its event in the same transaction."""

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from sib.actor import Actor
from sib.dbtypes import UtcDateTime
from sib.extensions import db

GENESIS_HASH = "0" * 64
#: the pg_advisory_xact_lock key that serialises appends (any constant; "sibaudit" in ASCII)
CHAIN_LOCK_KEY = 0x7369_6261_7564_6974


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_organisation_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    #: canonical JSON of {"before": ..., "after": ...}
    change: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def canonical(self) -> str:
        """The row's content as canonical JSON: what its hash covers."""
        return canonical_json({name: getattr(self, name) for name in HASHED_COLUMNS})


#: the columns a row's hash covers (with the previous hash, which it is chained to)
HASHED_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "actor_user_id",
    "actor_organisation_id",
    "action",
    "entity_type",
    "entity_id",
    "contract_id",
    "change",
    "request_id",
)


def canonical_json(values: Mapping[str, Any]) -> str:
    """Canonical JSON of a row's hashed columns: sorted keys, no spaces, UTC times."""
    content = {name: values[name] for name in HASHED_COLUMNS}
    content["occurred_at"] = as_utc(content["occurred_at"]).isoformat()
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class AuditChainHead(db.Model):
    """One row: the last event's sequence number and hash.

    Appenders serialise on it, and it shows a deleted tail that the chain alone cannot.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


def as_utc(moment: datetime) -> datetime:
    """The moment as an aware UTC datetime."""
    # SQLite hands back naive datetimes, PostgreSQL the session's time zone; all are UTC here.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def chain_hash(prev_hash: str, canonical: str) -> str:
    """SHA-256 of the previous hash followed by this row's canonical JSON."""
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor: Actor,
    entity_type: str,
    entity_id: Any,
    contract_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append an event to the chain in the current transaction (flushes, never commits)."""
    head = _locked_head()
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=datetime.now(UTC).replace(microsecond=0),
        actor=actor.label,
        actor_user_id=actor.user_id,
        actor_organisation_id=actor.organisation_id,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        contract_id=contract_id,
        change=json.dumps({"before": before, "after": after}, sort_keys=True, default=str),
        request_id=g.get("request_id") if has_request_context() else None,
        prev_hash=head.hash,
    )
    event.hash = chain_hash(event.prev_hash, event.canonical())
    head.seq, head.hash = event.seq, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def _locked_head() -> "AuditChainHead":
    """The chain head, held until the transaction ends so that appends happen one at a time."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Held to commit or rollback; a second appender waits here, then reads the new head.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:
        # SQLite has one writer: taking the write lock before reading the head serialises too.
        db.session.execute(update(AuditChainHead).values(seq=AuditChainHead.seq))
    head = db.session.get(AuditChainHead, 1, populate_existing=True)
    if head is None:
        # First append, or a log written before the head existed: start from the last row.
        last = db.session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        seq, hash_ = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        head = AuditChainHead(id=1, seq=seq, hash=hash_)
        db.session.add(head)
    return head


#: rows read per query while verifying; bounds memory however long the log
VERIFY_BATCH = 1000


def verify_chain() -> dict:
    """Walk the whole log: {ok, checked, first_bad_seq, problem} (first_bad_seq None when ok).

    Finds a changed row (its hash no longer matches), a deleted row (a gap in the sequence or
    a broken link), and a deleted tail (the chain head remembers more than is there).
    """
    table = AuditEvent.__table__
    expected, prev_hash, checked = 1, GENESIS_HASH, 0
    while True:
        rows = (
            db.session.execute(
                select(table)
                .where(table.c.seq >= expected)
                .order_by(table.c.seq)
                .limit(VERIFY_BATCH)
            )
            .mappings()
            .all()
        )
        for row in rows:
            problem = _row_problem(row, expected, prev_hash)
            if problem:
                return _verdict(checked, expected, problem)
            expected, prev_hash, checked = expected + 1, row["hash"], checked + 1
        if len(rows) < VERIFY_BATCH:
            break
    head = db.session.execute(select(AuditChainHead.__table__)).mappings().first()
    problem = _head_problem(head, expected - 1, prev_hash) if head is not None else None
    if problem:
        return _verdict(checked, *problem)
    return {"ok": True, "checked": checked, "first_bad_seq": None, "problem": None}


def _row_problem(row: Mapping, expected: int, prev_hash: str) -> str | None:
    if row["seq"] != expected:
        return f"row {expected} is missing"
    if row["prev_hash"] != prev_hash:
        return f"row {expected} does not follow the row before it"
    if chain_hash(prev_hash, canonical_json(row)) != row["hash"]:
        return f"row {expected} was changed after it was written"
    return None


def _head_problem(head: Mapping, last: int, last_hash: str) -> tuple[int, str] | None:
    # The chain alone cannot show a cut-off tail or a rewritten last row; the head can.
    if head["seq"] > last:
        return last + 1, f"the log ends at {last} but its head says {head['seq']}: rows deleted"
    if head["seq"] < last:
        return head["seq"] + 1, f"rows after {head['seq']} were written around the chain head"
    if head["hash"] != last_hash:
        return last, f"row {last} does not match the chain head"
    return None


def _verdict(checked: int, seq: int, problem: str) -> dict:
    return {"ok": False, "checked": checked, "first_bad_seq": seq, "problem": problem}
