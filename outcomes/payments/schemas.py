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
    period = fields.String(required=True, metadata={"description": "the period label to settle"})


class RunListQuerySchema(Schema):
    period = fields.String()
    status = fields.String(validate=validate.OneOf(["draft", "approved", "settled", "superseded"]))


class ApprovalSchema(Schema):
    payer = fields.String(
        metadata={"description": "the payer's organisation id; defaults to your organisation"}
    )


class SettlementSchema(Schema):
    settled_on = fields.Date(required=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RunLineSchema(Schema):
    period = fields.String(attribute="period_label")
    kind = fields.String(metadata={"description": "payment, or adjustment: new minus approved"})
    term = fields.String(attribute="term_id")
    measure = fields.String(allow_none=True)
    amount = Money()
    explanation = fields.String()


class RunPayerSchema(Schema):
    payer = fields.String(attribute="organisation.slug")
    amount = Money()
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class RunInvestorSchema(Schema):
    investor = fields.String(attribute="organisation.slug")
    principal = Money()
    return_amount = Money(data_key="return")


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
    input = fields.Raw(metadata={"description": "the engine's input document, as settled"})
    answer = fields.Raw(metadata={"description": "the engine's answer"})


class ReplaySchema(Schema):
    run = fields.Integer()
    stored_digest = fields.String()
    digest = fields.String()
    matches = fields.Boolean()
    answer_matches = fields.Boolean()
