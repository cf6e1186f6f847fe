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
    paid_on = fields.Date(
        metadata={
            "description": "the period's payment date: the day the engine dates the "
            "money (interest, return, XIRR)"
        }
    )
    principal = Money()
    return_amount = Money(attribute="return", data_key="return")
    guarantee = Money(metadata={"description": "guarantee payments received"})
    settled = Money(metadata={"description": "of it, what was settled"})
    settled_on = fields.Date(allow_none=True, metadata={"description": "when it was settled"})
    runs = fields.List(fields.Integer())


class LatePeriodSchema(Schema):
    period = fields.String()
    paid_on = fields.Date()
    settled_on = fields.Date()
    days_late = fields.Integer()


class TimingSchema(Schema):
    xirr_on_settlement_dates = DecimalString(allow_none=True)
    xirr_difference = DecimalString(
        allow_none=True, metadata={"description": "on settlement dates minus on payment dates"}
    )
    periods = fields.List(fields.Nested(LatePeriodSchema))


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
    guarantee_received = Money()
    money_back = Money(metadata={"description": "principal, return and guarantee received"})
    outstanding_principal = Money(metadata={"description": "0 once the last period is settled"})
    principal_not_repaid = Money(
        allow_none=True,
        metadata={"description": "once the last period is settled: principal never repaid"},
    )
    final = fields.Boolean(metadata={"description": "the last period is settled"})
    return_allowed_to_date = Money(allow_none=True)
    return_accrued_unpaid = Money(allow_none=True)
    xirr_to_date = DecimalString(
        allow_none=True, metadata={"description": "over flows dated at payment dates"}
    )
    settlement_timing = fields.Nested(
        TimingSchema,
        allow_none=True,
        metadata={"description": "the effect of settling on other days than payment dates"},
    )
    best_case = fields.Nested(CaseSchema, metadata={"description": "every remaining cap reached"})
    worst_case = fields.Nested(CaseSchema, metadata={"description": "nothing more paid"})


class PayerPeriodSchema(Schema):
    period = fields.String()
    payment_on = fields.Date()
    year = fields.Integer()
    approved = Money()
    settled = Money()
    pending = Money(metadata={"description": "in draft runs, not yet approved"})
    held_back = Money(metadata={"description": "moved to a later year by the yearly cap"})
    carried = Money(metadata={"description": "held back earlier, added to this period"})
    guarantee_approved = Money()
    guarantee_settled = Money()
    runs = fields.List(fields.Integer())


class PayerYearSchema(Schema):
    year = fields.Integer()
    yearly_cap = Money(allow_none=True)
    approved = Money()
    settled = Money()
    pending = Money()
    held_back = Money()
    carried = Money()
    guarantee_approved = Money()
    guarantee_settled = Money()
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
    held_back = Money()
    carried = Money()
    guarantee_approved = Money()
    guarantee_settled = Money()
    held_back_outstanding = Money(
        metadata={"description": "held back by the yearly cap, may still be owed later"}
    )
    held_back_not_owed = Money(
        metadata={"description": "held back and never owed: the last period has passed"}
    )
