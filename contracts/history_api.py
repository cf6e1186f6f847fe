"""The auditor's API on one contract: its history, and exports of it as JSON and Excel."""

from datetime import UTC

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from contracts import history
from contracts.access import visible_contract
from sib.access import guard
from sib.audit_api import AuditEventSchema
from sib.xlsx import XLSX_MIMETYPE, workbook_bytes

blp = Blueprint(
    "contract_history",
    __name__,
    url_prefix="/api/v1/contracts",
    description="A contract's history, for auditors",
)


class HistoryArgsSchema(Schema):
    from_ = fields.AwareDateTime(
        data_key="from",
        default_timezone=UTC,
        metadata={"description": "Events at or after this moment (ISO 8601; UTC if no offset)"},
    )
    to = fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "Events before this moment"}
    )
    action = fields.List(
        fields.String(),
        metadata={"description": "Only these actions, e.g. contract.amended (repeatable)"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class TermsChangeSchema(Schema):
    path = fields.String(metadata={"description": "JSON path in the terms document"})
    change = fields.String(metadata={"description": "added, removed or changed"})
    before = fields.Raw()
    after = fields.Raw()


class VersionHistorySchema(Schema):
    number = fields.Integer()
    effective_from = fields.Date()
    reason = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    document_sha256 = fields.String()
    changes = fields.List(
        fields.Nested(TermsChangeSchema),
        metadata={"description": "Differences from the previous version (none for the first)"},
    )


class HistorySchema(Schema):
    reference = fields.String()
    total = fields.Integer(metadata={"description": "Events matching the filters, all pages"})
    page = fields.Integer()
    page_size = fields.Integer()
    events = fields.List(fields.Nested(AuditEventSchema))
    versions = fields.List(fields.Nested(VersionHistorySchema))


@blp.route("/<reference>/history")
class History(MethodView):
    @guard("contract.history")
    @blp.arguments(HistoryArgsSchema, location="query")
    @blp.response(200, HistorySchema)
    def get(self, args, reference):
        """Every event on a contract, oldest first, and every terms version with its diff."""
        contract = visible_contract(reference)
        query = history.events_query(
            contract, args.get("from_"), args.get("to"), args.get("action")
        )
        events, total = history.events_page(contract, query, args["page"], args["page_size"])
        return {
            "reference": contract.reference,
            "total": total,
            "page": args["page"],
            "page_size": args["page_size"],
            "events": events,
            "versions": history.version_history(contract),
        }


@blp.route("/<reference>/history/export.json")
class HistoryJson(MethodView):
    @guard("contract.history")
    @blp.response(200, description="The contract's full history as one JSON document")
    def get(self, reference):
        """Export a contract's full history as JSON (every version's terms in full)."""
        contract = visible_contract(reference)
        body = history.history_json(history.full_history(contract))
        return _download(body, "application/json", f"{reference}-history.json")


@blp.route("/<reference>/history/export.xlsx")
class HistoryWorkbook(MethodView):
    @guard("contract.history")
    @blp.response(
        200,
        description="The contract's full history as a workbook, one sheet per kind of record",
        content_type=XLSX_MIMETYPE,
    )
    def get(self, reference):
        """Export a contract's full history as an Excel workbook."""
        contract = visible_contract(reference)
        workbook = history.history_workbook(history.full_history(contract))
        return _download(workbook_bytes(workbook), XLSX_MIMETYPE, f"{reference}-history.xlsx")


def _download(body, mimetype: str, filename: str) -> Response:
    # The reference is a slug-like code; quoting keeps the header well-formed whatever it is.
    safe = filename.replace('"', "")
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )
