"""What someone with database access but without the audit key can compute."""

import hashlib

from sqlalchemy import select, text, update

from sib import audit

#: the key TestConfig seals with; the intruder does not have it
TEST_AUDIT_KEY = b"test-audit-key"


def unkeyed_hash(prev_hash: str, row: dict) -> str:
    """What an intruder computes: the published SHA-256 recipe, which needs no key."""
    return hashlib.sha256((prev_hash + audit.canonical_json(row)).encode("utf-8")).hexdigest()


EVENTS = audit.AuditEvent.__table__


def rows(sql) -> list[dict]:
    """Every audit row, oldest first, as the intruder reads them."""
    return [dict(row) for row in sql.execute(select(EVENTS).order_by(EVENTS.c.seq)).mappings()]


def rewrite(sql, row: dict) -> None:
    """Store the row as given over the one with its seq."""
    sql.execute(update(EVENTS).where(EVENTS.c.seq == row["seq"]).values(**row))


def move_head(sql, seq: int, hash_: str) -> None:
    """Point the chain head at a row, as the intruder must after rewriting the tail."""
    sql.execute(
        text("UPDATE audit_chain_head SET seq = :seq, hash = :hash"), {"seq": seq, "hash": hash_}
    )
