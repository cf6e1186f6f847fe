"""Marshmallow schemas of the statements API; amounts are decimal strings."""

from marshmallow import Schema, fields

from sib.fields import DecimalString, Money


class InvestorQuerySchema(Schema):
    contract = fields.String(required=True, metadata={"description": "the contract reference"})
    as_of = fields.Date(metadata={"description": "the statement's day (default: today, UTC)"})


class PayerQuerySchema(Schema):
    contract = fields.String(required=True, metadata={"description": "the contract reference"})


class DrawdownLineSchema(Schema):
    on = fields.Date()
    amount = Money()


class DistributionSchema(Schema):
    period = fields.String()
    paid_on = fields.Date(metadata={"description": "settlement date, else the payment date"})
    principal = Money()
    return_amount = Money(attribute="return", data_key="return")
    settled = Money()
    runs = fields.List(fields.Integer())


class CaseSchema(Schema):
    money_back = Money(allow_none=True, metadata={"description": "null: no limit (uncapped)"})
    still_to_come = Money(allow_none=True)
    xirr = DecimalString(allow_none=True)


class InvestorStatementSchema(Schema):
    contract = fields.String()
    currency = fields.String()
    investor = fields.String()
    name = fields.String()
    as_of = fields.Date()
    tranche = fields.String()
    return_cap = fields.Dict()
    commitment = Money()
    drawn = Money()
    undrawn = Money()
    drawdowns = fields.List(fields.Nested(DrawdownLineSchema))
    distributions = fields.List(fields.Nested(DistributionSchema))
    principal_received = Money()
    return_received = Money()
    outstanding_principal = Money()
    return_allowed_to_date = Money(allow_none=True)
    return_accrued_unpaid = Money(allow_none=True)
    xirr_to_date = DecimalString(allow_none=True)
    best_case = fields.Nested(CaseSchema, metadata={"description": "every remaining cap reached"})
    worst_case = fields.Nested(CaseSchema, metadata={"description": "nothing more paid"})


class PayerPeriodSchema(Schema):
    period = fields.String()
    payment_on = fields.Date()
    year = fields.Integer()
    approved = Money()
    settled = Money()
    pending = Money(metadata={"description": "in draft runs, not yet approved"})
    runs = fields.List(fields.Integer())


class PayerYearSchema(Schema):
    year = fields.Integer()
    yearly_cap = Money(allow_none=True)
    approved = Money()
    settled = Money()
    pending = Money()
    cap_remaining = Money(allow_none=True)
    max_still_possible = Money(allow_none=True, metadata={"description": "null: no limit"})


class PayerStatementSchema(Schema):
    contract = fields.String()
    currency = fields.String()
    payer = fields.String()
    name = fields.String()
    yearly_cap = Money(allow_none=True)
    periods = fields.List(fields.Nested(PayerPeriodSchema))
    years = fields.List(fields.Nested(PayerYearSchema))
    approved = Money()
    settled = Money()
    pending = Money()
