"""The auditor's API on the whole log: events, checkpoints, public keys, the chain check."""

import json

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from sib.access import guard
from sib.audit import AuditEvent, verify_chain
from sib.audit_checkpoint import (
    Checkpoint,
    CheckpointError,
    parse_checkpoint,
    published,
    take_checkpoint,
)
from sib.audit_keys import current_keyring
from sib.extensions import db
from sib.problems import ServiceError

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
    seal = fields.String(
        allow_none=True,
        metadata={"description": "HMAC-SHA256 of `hash` under the audit key (null: written "
                  "before the log was keyed)"},
    )  # fmt: skip
    key_id = fields.String(allow_none=True, metadata={"description": "Which audit key sealed it"})


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
    checkpoint_seq = fields.Integer(
        allow_none=True, metadata={"description": "The furthest checkpoint compared"}
    )
    unsealed = fields.Integer(metadata={"description": "Rows written before the log was keyed"})


class HeldSchema(Schema):
    checkpoint = fields.List(
        fields.String(),
        load_default=list,
        metadata={"description": "Checkpoint tokens you hold (repeat the parameter for more); "
                  "the log must reach each of them unchanged"},
    )  # fmt: skip


class CheckpointSchema(Schema):
    seq = fields.Integer(metadata={"description": "Events in the log when it was taken"})
    hash = fields.String(metadata={"description": "The chain hash of event `seq`"})
    at = fields.String(metadata={"description": "When it was taken (UTC)"})
    keyed_from = fields.Integer(metadata={"description": "The first sealed event"})
    key_id = fields.String()
    signature = fields.String(metadata={"description": "HMAC-SHA256 under the audit key"})
    signing_key_id = fields.String(
        metadata={"description": "The Ed25519 key that signed it too (see /audit/public-keys); "
                  "absent on checkpoints taken before Ed25519 signing"},
    )  # fmt: skip
    ed25519_signature = fields.String(
        metadata={"description": "Ed25519 over the canonical JSON of seq, hash, at, keyed_from, "
                  "key_id and signing_key_id (hex); anyone with the public key can check it"},
    )  # fmt: skip
    token = fields.String(metadata={"description": "All of the above on one line, for `verify`"})


class CheckpointsSchema(Schema):
    current = fields.Nested(
        CheckpointSchema, metadata={"description": "The log's head now, signed: keep it"}
    )
    published = fields.List(
        fields.Nested(CheckpointSchema),
        metadata={"description": "The latest checkpoints in the outbox, oldest first"},
    )


class PublicKeySchema(Schema):
    key_id = fields.String(
        metadata={"description": "First 16 hex digits of SHA-256 of the raw public key"}
    )
    algorithm = fields.String(metadata={"description": "Always Ed25519"})
    current = fields.Boolean(metadata={"description": "Whether it signs new checkpoints"})
    public_key = fields.String(metadata={"description": "The raw 32 bytes, base64"})
    pem = fields.String(metadata={"description": "The same as PEM (SubjectPublicKeyInfo)"})


class PublicKeysSchema(Schema):
    keys = fields.List(
        fields.Nested(PublicKeySchema),
        metadata={"description": "The current key first, then those of earlier checkpoints"},
    )


class LimitSchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))


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
    @blp.arguments(HeldSchema, location="query")
    @blp.response(200, VerdictSchema)
    def get(self, held):
        """Walk the chain against its seals, the outbox and the checkpoints you hold.

        An empty or shorter log than a checkpoint recorded fails, naming the first missing row.
        """
        return verify_chain(held_checkpoints(held["checkpoint"]))


def held_checkpoints(tokens: list[str]) -> list[Checkpoint]:
    """The auditor's checkpoints, each readable and signed by a known audit key, or 422."""
    keyring, held, errors = current_keyring(), [], []
    for index, token in enumerate(tokens):
        path = f"query.checkpoint[{index}]"
        try:
            checkpoint = parse_checkpoint(token)
        except CheckpointError as error:
            errors.append((path, str(error)))
            continue
        problem = checkpoint.signature_problem(keyring)
        if problem:
            errors.append((path, f"not signed by this service's audit key: {problem}"))
        held.append(checkpoint)
    if errors:
        raise ServiceError("A checkpoint given cannot be used.", errors)
    return held


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @guard("audit.checkpoints.read")
    @blp.arguments(LimitSchema, location="query")
    @blp.response(200, CheckpointsSchema)
    def get(self, args):
        """The log's head signed now, to keep, and the latest checkpoints in the outbox."""
        outbox, _ = published(current_app.config.get("AUDIT_CHECKPOINT_DIR"))
        return {
            "current": take_checkpoint(current_keyring()).as_dict(),
            "published": [c.as_dict() for c in outbox[-args["limit"] :]],
        }


@blp.route("/public-keys")
class PublicKeys(MethodView):
    @guard("audit.checkpoints.read")
    @blp.response(200, PublicKeysSchema)
    def get(self):
        """The public keys that check checkpoints' Ed25519 signatures, with no secret needed."""
        return {"keys": current_keyring().signing.published()}
