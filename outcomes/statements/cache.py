"""Statements a worker has built, kept until anything is written anywhere.

A statement is read far more often than the money under it changes, and building one reads the
runs, the drawdowns and the terms. Every write is audited in the same transaction as the change,
and every audited write moves the audit chain's head (its sequence number and hash): a
statement built after reading the head is the statement for that head. So the head is part of
each key, and a write anywhere makes every kept statement unreachable; nothing is invalidated
by hand, and no worker can serve what another worker's write made stale.

Authorisation is never cached: the caller decides who may see a statement before asking here.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from flask import current_app
from sqlalchemy import select

from sib.audit import AuditChainHead
from sib.extensions import db

_EXTENSION = "sib_statement_cache"


class _Kept:
    """The newest statements, at most `size` of them (least recently read dropped first)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[Hashable, dict] = OrderedDict()
        # A threaded server may serve two requests of one worker at once.
        self.lock = Lock()

    def get(self, key: Hashable) -> dict | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: Hashable, statement: dict) -> None:
        with self.lock:
            self.items[key] = statement
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def remembered(key: Hashable, build: Callable[[], dict]) -> dict:
    """The statement for `key` as of the audit chain's head now: built once per head.

    The returned dict is shared with later requests: callers read it and never change it.
    """
    size = current_app.config["STATEMENT_CACHE_SIZE"]
    if size <= 0:
        return build()
    kept = current_app.extensions.setdefault(_EXTENSION, _Kept(size))
    head = db.session.execute(
        select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1)
    ).first()
    full_key = (key, tuple(head) if head else None)
    statement = kept.get(full_key)
    if statement is None:
        statement = build()
        kept.put(full_key, statement)
    return statement
