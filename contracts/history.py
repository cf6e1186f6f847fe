"""A contract's history for auditors: its events, its terms versions with diffs, its exports."""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Select, func, select

from contracts.models import Contract
from sib.audit import AuditEvent, verify_chain
from sib.audit_api import event_view
from sib.extensions import db
from sib.xlsx import add_table_sheet, new_workbook

HISTORY_FORMAT = "sib-history/1"
#: keys that name an element of a list of objects, tried in order (ids in the terms document)
_ELEMENT_KEYS = ("id", "code", "label", "organisation")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_diff(before: object, after: object, path: str = "$") -> list[dict]:
    """Every difference between two JSON documents, one per JSON path, in document order.

    Objects compare key by key; lists of objects that each carry a unique `id` (or `code`,
    `label`, `organisation`) compare element by element under that key, so that inserting a
    term reads as one added term rather than every later term changed; other lists by index.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        return _diff_objects(before, after, path)
    if isinstance(before, list) and isinstance(after, list):
        key = _element_key(before, after)
        if key:
            return _diff_objects(
                {_filter(key, e[key]): e for e in before},
                {_filter(key, e[key]): e for e in after},
                path,
                keyed=True,
            )
        return _diff_objects(dict(enumerate(before)), dict(enumerate(after)), path, indexed=True)
    if before == after and type(before) is type(after):
        return []
    return [{"path": path, "change": "changed", "before": before, "after": after}]


def _diff_objects(before: dict, after: dict, path: str, keyed=False, indexed=False) -> list:
    changes = []
    for key in [*before, *(k for k in after if k not in before)]:
        step = _step(key, keyed, indexed)
        if key not in after:
            changes.append({"path": path + step, "change": "removed", "before": before[key]})
        elif key not in before:
            changes.append({"path": path + step, "change": "added", "after": after[key]})
        else:
            changes += json_diff(before[key], after[key], path + step)
    return changes


def _step(key, keyed: bool, indexed: bool) -> str:
    if keyed:
        return key
    if indexed:
        return f"[{key}]"
    return f".{key}" if _PLAIN_KEY.match(key) else "[" + json.dumps(key, ensure_ascii=False) + "]"


def _filter(key: str, value) -> str:
    # RFC 9535 filter selector: the element whose `key` equals the value.
    return f"[?@.{key}=={json.dumps(value, ensure_ascii=False)}]"


def _element_key(before: list, after: list) -> str | None:
    elements = before + after
    if not elements or not all(isinstance(e, dict) for e in elements):
        return None
    for key in _ELEMENT_KEYS:
        for side in (before, after):
            values = [e.get(key) for e in side]
            if not all(isinstance(v, str | int) for v in values) or len(set(values)) != len(values):
                break
        else:
            return key
    return None


def version_history(contract: Contract) -> list[dict]:
    """Every version of the terms, oldest first, each with its diff against the one before."""
    history, previous = [], None
    for version in contract.versions:
        document = version.agreed.document
        history.append(
            {
                "number": version.number,
                "effective_from": version.effective_from,
                "reason": version.reason,
                "created_by": version.created_by,
                "created_at": version.created_at,
                "document_sha256": version.document_sha256,
                "changes": json_diff(previous, document) if previous is not None else [],
            }
        )
        previous = document
    return history


def events_query(
    contract: Contract,
    since: datetime | None = None,
    until: datetime | None = None,
    actions: list[str] | None = None,
) -> Select:
    """The contract's events, oldest first, within [since, until) and of the given actions."""
    query = select(AuditEvent).where(AuditEvent.contract_id == contract.id)
    # Compared in UTC: SQLite stores the times as UTC text without an offset.
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since.astimezone(UTC))
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until.astimezone(UTC))
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    return query.order_by(AuditEvent.seq)


def events_page(contract: Contract, query: Select, page: int, page_size: int) -> tuple[list, int]:
    """One page of the contract's events as the API shows them, and how many there are in all."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    events = db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return [event_view(event, contract.reference) for event in events], total


def full_history(contract: Contract) -> dict:
    """Everything recorded about a contract, for the JSON export (the terms of every version
    in full), with the state of the whole log's hash chain at the time of export."""
    documents = {v.number: v.agreed.document for v in contract.versions}
    versions = [{**v, "document": documents[v["number"]]} for v in version_history(contract)]
    events = db.session.scalars(events_query(contract)).all()
    return {
        "format": HISTORY_FORMAT,
        "exported_at": datetime.now(UTC).replace(microsecond=0),
        "contract": _contract_summary(contract),
        "audit_chain": verify_chain(),
        "versions": versions,
        "parties": _parties(contract),
        "events": [event_view(event, contract.reference) for event in events],
    }


def _contract_summary(contract: Contract) -> dict:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "currency": contract.currency,
        "status": contract.status,
        "created_at": contract.created_at,
    }


def _parties(contract: Contract) -> list[dict]:
    return [
        {
            "version": version.number,
            "organisation": party.organisation.slug,
            "name": party.organisation.name,
            "role": party.role,
            "commitment": party.commitment,
            "tranche": party.tranche,
            "yearly_cap": party.yearly_cap,
            "default_share": party.default_share,
        }
        for version in contract.versions
        for party in version.parties
    ]


def history_json(history: dict) -> str:
    """The full history as JSON text: times in ISO 8601, amounts as decimal strings."""
    return json.dumps(history, ensure_ascii=False, indent=2, default=_json_value)


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def history_workbook(history: dict):
    """The full history as a formatted workbook: one sheet per kind of record."""
    workbook = new_workbook()
    chain = history["audit_chain"]
    summary = [*history["contract"].items(), ("exported_at", history["exported_at"]),
               ("audit chain intact", chain["ok"]), ("audit events checked", chain["checked"]),
               ("first bad seq", chain["first_bad_seq"])]  # fmt: skip
    add_table_sheet(workbook, "Contract", ["field", "value"], summary)
    version_columns = ["number", "effective_from", "reason", "created_by", "created_at",
                       "document_sha256"]  # fmt: skip
    add_table_sheet(workbook, "Versions", version_columns,
                    [[v[c] for c in version_columns] for v in history["versions"]])  # fmt: skip
    add_table_sheet(workbook, "Terms changes", ["version", "path", "change", "before", "after"],
                    [[v["number"], c["path"], c["change"], c.get("before"), c.get("after")]
                     for v in history["versions"] for c in v["changes"]])  # fmt: skip
    party_columns = list(history["parties"][0]) if history["parties"] else ["version"]
    add_table_sheet(workbook, "Parties", party_columns,
                    [[p[c] for c in party_columns] for p in history["parties"]])  # fmt: skip
    add_table_sheet(workbook, "Events", EVENT_COLUMNS, [_event_row(e) for e in history["events"]])
    return workbook


EVENT_COLUMNS = ["seq", "occurred_at (UTC)", "actor", "action", "entity_type", "entity_id",
                 "before", "after", "request_id", "prev_hash", "hash"]  # fmt: skip


def _event_row(event: dict) -> list:
    change = event["change"] if isinstance(event["change"], dict) else {}
    return [event["seq"], event["occurred_at"], event["actor"], event["action"],
            event["entity_type"], event["entity_id"], change.get("before"), change.get("after"),
            event["request_id"], event["prev_hash"], event["hash"]]  # fmt: skip
