"""Marshmallow schemas for the shape of a sib-terms/1 document: parties, metrics, periods."""

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length

from contracts.engine.public import MINOR_UNIT_EXPONENT
from contracts.terms.orgnumber import org_number_problem
from contracts.terms.term_schemas import TERM_KINDS
from contracts.terms.values import (
    DecimalText,
    Flag,
    IsoDate,
    Kinds,
    Shares,
    StrictSchema,
    Text,
    amount,
    introduce,
    list_of,
)
from sib.fields import MONEY_PLACES

FORMAT = "sib-terms/1"
ORGANISATION_KINDS = (
    "municipality",
    "region",
    "state_agency",
    "investor",
    "provider",
    "intermediary",
    "evaluator",
    "foundation",
    "other",
)
COUNTERFACTUALS = ("none", "historical_baseline", "comparison_group", "rct", "forecast")


class CurrencyCode(Text):
    """An ISO 4217 code with a minor unit."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in MINOR_UNIT_EXPONENT:
            raise ValidationError(f'"{code}" is not an ISO 4217 currency code, e.g. "SEK"')
        return code


class OrgNumber(Text):
    """A Swedish organisation number with a valid Luhn check digit."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        problem = org_number_problem(super()._deserialize(value, attr, data, **kwargs))
        if problem:
            raise ValidationError(problem)
        return value


class OrganisationSchema(StrictSchema):
    noun = "an organisation"
    id = Text(required=True)
    name = Text(required=True)
    kind = Text(ORGANISATION_KINDS, required=True)
    org_number = OrgNumber()


class PartySchema(StrictSchema):
    noun = "a party in this role"
    organisation = Text(required=True)
    role = Text(required=True)


class InvestorSchema(PartySchema):
    noun = "an investor party"
    commitment = amount("a commitment", required=True, places=MONEY_PLACES)
    tranche = Text(required=True)


class OutcomePayerSchema(PartySchema):
    noun = "an outcome payer party"
    yearly_cap = amount("a yearly cap", places=MONEY_PLACES)


PARTY_ROLES = {
    "outcome_payer": OutcomePayerSchema,
    "investor": InvestorSchema,
    **dict.fromkeys(["provider", "intermediary", "evaluator", "guarantor"], PartySchema),
}
introduce(PARTY_ROLES)


class NoReturnCapSchema(StrictSchema):
    noun = 'a "none" return cap'
    kind = Text(required=True)


class UncappedSchema(NoReturnCapSchema):
    noun = 'an "uncapped" return cap'


class AnnualRateCapSchema(NoReturnCapSchema):
    noun = 'an "annual_rate" return cap'
    rate = DecimalText("rates", negative="a rate cannot be negative", required=True)


class TotalCapSchema(AnnualRateCapSchema):
    noun = 'a "total" return cap'


RETURN_CAPS = {
    "none": NoReturnCapSchema,
    "annual_rate": AnnualRateCapSchema,
    "total": TotalCapSchema,
    "uncapped": UncappedSchema,
}
introduce(RETURN_CAPS)


class TrancheSchema(StrictSchema):
    noun = "a tranche"
    name = Text(required=True)
    return_cap = Kinds(RETURN_CAPS, "a return cap", required=True)


class MetricSchema(StrictSchema):
    noun = "a metric"
    code = Text(required=True)
    name = Text(required=True)
    unit = Text(required=True)
    direction = Text(("higher", "lower"), required=True)
    counterfactual = Text(COUNTERFACTUALS)
    validation = fields.String()
    participant_level = Flag()


class PeriodSchema(StrictSchema):
    noun = "a period"
    label = Text(required=True)
    starts_on = IsoDate(required=True)
    ends_on = IsoDate(required=True)
    deadline = IsoDate()

    @validates_schema
    def check_dates(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("a period cannot end before it starts", "ends_on")
        # Reading: data about a period can only be reported once it has ended.
        if "deadline" in data and data["deadline"] < data["ends_on"]:
            raise ValidationError("the deadline is before the period ends", "deadline")


def at_most_one(value):
    """Refuse a share above the whole."""
    if value > 1:
        raise ValidationError("a share of principal is at most 1 (all of it)")


class GuaranteeSchema(StrictSchema):
    noun = "a guarantee"
    by = Text(required=True)
    share_of_principal = DecimalText(
        "shares", negative="a share cannot be negative", required=True, validate=at_most_one
    )
    cap = amount("a guarantee's cap")
    tranche = Text()


class CapsSchema(StrictSchema):
    noun = "the caps"
    outcome_total = amount("a cap")
    per_participant = amount("a cap")


def is_this_format(value):
    """Refuse any format but the one this loader reads."""
    if value != FORMAT:
        raise ValidationError(f'this loader reads "{FORMAT}" documents, not "{value}"')


class DocumentSchema(StrictSchema):
    noun = "a terms document"
    format = Text(required=True, validate=is_this_format)
    reference = Text(required=True)
    title = Text(required=True)
    description = fields.String()
    currency = CurrencyCode(required=True)
    rounding = Text(("half_up", "half_even"))
    starts_on = IsoDate(required=True)
    ends_on = IsoDate(required=True)
    terminated_on = IsoDate()
    organisations = list_of(OrganisationSchema, required=True)
    parties = list_of(Kinds(PARTY_ROLES, "a party", key="role"), required=True)
    tranches = list_of(TrancheSchema)
    metrics = list_of(MetricSchema, required=True)
    periods = list_of(PeriodSchema, required=True, validate=Length(min=1, error="needs a period"))
    terms = list_of(Kinds(TERM_KINDS, "a term"), required=True)
    payer_shares = Shares()
    caps = fields.Nested(CapsSchema)
    guarantees = list_of(GuaranteeSchema)
    surplus = Text(("retained", "provider", "investors"))
