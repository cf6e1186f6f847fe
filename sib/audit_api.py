"""The auditor's API on the whole log: incremental pulls of events, and the chain check."""

import json

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from sib.access import guard
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The audit log")
#: events per page unless `limit` says otherwise, and the most a page holds
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


class AuditEventSchema(Schema):
    seq = fields.Integer()
    occurred_at = fields.DateTime()
    actor = fields.String()
    actor_user_id = fields.Integer(allow_none=True)
    actor_organisation_id = fields.Integer(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String()
    contract_id = fields.Integer(allow_none=True)
    contract_reference = fields.String(allow_none=True)
    change = fields.Raw(metadata={"description": "{before, after}; hashed as stored text"})
    change_text = fields.String(
        metadata={"description": "The change exactly as stored and hashed (canonical JSON)"}
    )
    request_id = fields.String(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String(
        metadata={"description": "SHA-256 of prev_hash + canonical JSON of the hashed columns"}
    )


class EventPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    next_after = fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null when this is the end"},
    )


class AfterSchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)
    )


class VerdictSchema(Schema):
    ok = fields.Boolean()
    checked = fields.Integer(metadata={"description": "Rows found sound before any problem"})
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)


def event_view(event: AuditEvent, reference: str | None) -> dict:
    """An event as the API shows it: the stored columns, the change parsed and as hashed."""
    view = {column.key: getattr(event, column.key) for column in AuditEvent.__table__.columns}
    return {**view, "occurred_at": event.occurred_at, "contract_reference": reference,
            "change": json.loads(event.change), "change_text": event.change}  # fmt: skip


def events_after(after: int, limit: int, *conditions) -> list[tuple[AuditEvent, str | None]]:
    """Up to `limit` events with seq above `after`, oldest first, with their contract reference."""
    contracts = db.metadata.tables["contracts"]
    return db.session.execute(
        select(AuditEvent, contracts.c.reference)
        .outerjoin(contracts, contracts.c.id == AuditEvent.contract_id)
        .where(AuditEvent.seq > after, *conditions)
        .order_by(AuditEvent.seq)
        .limit(limit)
    ).all()


@blp.route("/events")
class Events(MethodView):
    @guard("audit.read")
    @blp.arguments(AfterSchema, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args):
        """The log from `after` on, oldest first: pull it incrementally by passing `next_after`."""
        rows = events_after(args["after"], args["limit"])
        full = len(rows) == args["limit"]
        return {
            "events": [event_view(event, reference) for event, reference in rows],
            "next_after": rows[-1][0].seq if full else None,
        }


@blp.route("/verify")
class Verify(MethodView):
    @guard("audit.verify")
    @blp.response(200, VerdictSchema)
    def get(self):
        """Walk the hash chain: ok, how many rows were checked, and the first bad one."""
        return verify_chain()
