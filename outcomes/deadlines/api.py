"""The overdue API: a contract's periods past their deadline with figures missing or unverified."""

import json

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from contracts.access import visible_contract
from outcomes.deadlines.service import flags_of
from sib.access import guard

blp = Blueprint(
    "overdue", __name__, url_prefix="/api/v1/contracts", description="Overdue outcome data"
)


class OverdueQuerySchema(Schema):
    include_resolved = fields.Boolean(load_default=False)


class OverdueFlagSchema(Schema):
    period = fields.String(attribute="period_label")
    deadline = fields.Date()
    missing = fields.Method("missing_list", metadata={"description": "metric codes"})
    unverified = fields.Method("unverified_list", metadata={"description": "submission ids"})
    flagged_at = fields.DateTime()
    checked_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)

    def missing_list(self, flag):
        return json.loads(flag.missing)

    def unverified_list(self, flag):
        return json.loads(flag.unverified)


@blp.route("/<reference>/overdue")
class Overdue(MethodView):
    @guard("overdue.read")
    @blp.arguments(OverdueQuerySchema, location="query")
    @blp.response(200, OverdueFlagSchema(many=True))
    def get(self, args, reference):
        """List the periods the scheduler flagged overdue (open ones, unless include_resolved)."""
        contract = visible_contract(reference)
        return flags_of(contract, open_only=not args["include_resolved"])
