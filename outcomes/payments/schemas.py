"""Marshmallow schemas of the drawdowns and payment-runs API."""

from marshmallow import Schema, fields, validate

from sib.fields import Money


class DrawdownInSchema(Schema):
    investor = fields.String(
        required=True, metadata={"description": "the investor's organisation id in the terms"}
    )
    drawn_on = fields.Date(required=True, data_key="on")
    amount = Money(required=True, metadata={"example": "2500000.00"})


class DrawdownSchema(Schema):
    id = fields.Integer()
    investor = fields.String(attribute="investor.slug")
    drawn_on = fields.Date(data_key="on")
    amount = Money()
    created_by = fields.String()
    created_at = fields.DateTime()


class RunRequestSchema(Schema):
    period = fields.String(
        required=True, metadata={"description": "the period label to settle", "example": "2027"}
    )


class ForecastSchema(Schema):
    id = fields.Integer()
    contract = fields.String(attribute="contract.reference")
    period = fields.String(attribute="period_label")
    version = fields.Integer(attribute="version.number")
    digest = fields.String()
    made_on = fields.Date(metadata={"description": "the day whose figures it was made on"})
    created_by = fields.String()
    created_at = fields.DateTime()
    input = fields.Raw(metadata={"description": "the engine's input document"})
    answer = fields.Raw(metadata={"description": "the engine's answer; never approved or paid"})


class RunListQuerySchema(Schema):
    period = fields.String()
    status = fields.String(validate=validate.OneOf(["draft", "approved", "settled", "superseded"]))


class ApprovalSchema(Schema):
    payer = fields.String(
        metadata={
            "description": "the payer's or guarantor's organisation id; defaults to "
            "your organisation"
        }
    )


class SettlementSchema(Schema):
    settled_on = fields.Date(
        required=True,
        metadata={
            "description": "the day the money moved: not before the run's approval or "
            "the end of its period, not after today"
        },
    )
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    payer = fields.String(
        metadata={
            "description": "whose obligations are settled; defaults to your "
            "organisation (an admin without it settles every open obligation)"
        }
    )


class ReversalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SettlementEntrySchema(Schema):
    id = fields.Integer()
    organisation = fields.String(attribute="obligation.organisation.slug")
    obligation = fields.String(attribute="obligation.kind")
    kind = fields.String(metadata={"description": "payment, or reversal of an earlier entry"})
    settled_on = fields.Date()
    reference = fields.String()
    reverses = fields.Integer(attribute="reverses_id", allow_none=True)
    amount = Money()
    created_by = fields.String()
    created_at = fields.DateTime()


class RunLineSchema(Schema):
    period = fields.String(attribute="period_label")
    kind = fields.String(
        metadata={
            "description": "payment or adjustment (a term's amount, or new minus "
            "approved); held_back, carried, deficit_carried, deficit_netted (a payer's "
            "yearly-cap movements); guarantee"
        }
    )
    term = fields.String(attribute="term_id")
    measure = fields.String(allow_none=True)
    amount = Money()
    explanation = fields.String()
    organisation = fields.String(attribute="organisation.slug", allow_none=True)
    investor = fields.String(attribute="investor.slug", allow_none=True)


class RunPayerSchema(Schema):
    payer = fields.String(attribute="organisation.slug")
    kind = fields.String(metadata={"description": "outcomes (a payer's share) or guarantee"})
    amount = Money()
    settled = fields.Boolean()
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class RunInvestorSchema(Schema):
    investor = fields.String(attribute="organisation.slug")
    principal = Money()
    return_amount = Money(data_key="return")
    guarantee = Money()


class RunSummarySchema(Schema):
    id = fields.Integer()
    contract = fields.String(attribute="contract.reference")
    period = fields.String(attribute="period_label")
    status = fields.String()
    version = fields.Integer(attribute="version.number")
    digest = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    approved_at = fields.DateTime(allow_none=True)
    settled_on = fields.Date(allow_none=True)
    settlement_reference = fields.String(allow_none=True)


class RunSchema(RunSummarySchema):
    lines = fields.List(fields.Nested(RunLineSchema))
    payers = fields.List(fields.Nested(RunPayerSchema))
    investors = fields.List(fields.Nested(RunInvestorSchema))
    provider = Money(metadata={"description": "what went to the provider in this run"})
    settlements = fields.List(fields.Nested(SettlementEntrySchema))
    input = fields.Raw(metadata={"description": "the engine's input document, as settled"})
    answer = fields.Raw(metadata={"description": "the engine's answer"})


class ReconciliationSchema(Schema):
    lines = Money(metadata={"description": "the sum of the run's lines"})
    owed = Money(metadata={"description": "the sum of what payers and guarantors owe"})
    received = Money(metadata={"description": "what investors and the provider receive"})


class ReplaySchema(Schema):
    run = fields.Integer()
    stored_digest = fields.String()
    digest = fields.String()
    matches = fields.Boolean()
    answer_matches = fields.Boolean()
    reconciliation = fields.Nested(ReconciliationSchema)
    reconciles = fields.Boolean()
