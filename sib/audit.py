"""The append-only, hash-chained audit log; each write records its event in the same transaction.

Each row's `hash` chains plain SHA-256 over the row and the one before (anyone can recompute
it); its `seal` is an HMAC of that hash under the audit key, which is kept out of the database
(sib/audit_keys.py). Signed checkpoints published outside the database anchor the chain's
length (sib/audit_checkpoint.py); sib/audit_verify.py walks it. Lock order: docs/locking.md.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
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
from sqlalchemy import inspect as inspect_instance
from sqlalchemy.orm import Mapped, mapped_column

from sib.actor import Actor
from sib.audit_keys import current_keyring
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
    #: HMAC-SHA256 of `hash` under the audit key named by `key_id`; NULL on rows written
    #: before the log was keyed (accepted only before the first sealed row)
    seal: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))

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
    keyring = current_keyring()
    event.key_id, event.seal = keyring.key_id, keyring.seal(event.hash)
    head.seq, head.hash = event.seq, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def _locked_head() -> "AuditChainHead":
    """The chain head, held until the transaction ends so that appends happen one at a time."""
    # Lock order (docs/locking.md): the caller's own row changes take their locks first; the
    # chain lock comes last. Flushed here, not left to autoflush (which a caller may turn off).
    db.session.flush()
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


def verify_chain(held: Sequence = ()) -> dict:
    """Walk the whole log against its seals and checkpoints (sib.audit_verify.verify)."""
    from sib.audit_verify import verify  # imported here: that module builds on this one

    return verify(held)


def lock_for_change(instance: Any) -> Any:
    """Lock `instance`'s row until the transaction ends and reload it, before deciding a change.

    Two requests that read "not yet approved" at once both approve and both record; a verb
    that calls this first decides on the state as it is after the other one committed, and
    records one event per real change. Take it before the first `record` of the transaction
    (docs/locking.md). Returns the same instance, its attributes (and the session's) reloaded.
    """
    db.session.flush()
    mapper = inspect_instance(instance).mapper
    identity = inspect_instance(instance).identity
    table = mapper.local_table
    where = [column == value for column, value in zip(mapper.primary_key, identity, strict=True)]
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(*mapper.primary_key).where(*where).with_for_update())
    else:
        # SQLite locks the whole database for a writer: a no-op UPDATE takes that lock now.
        first = mapper.primary_key[0]
        db.session.execute(update(table).where(*where).values({first.name: first}))
    # Everything read before the lock may be stale (e.g. a collection of payer shares).
    db.session.expire_all()
    return instance
