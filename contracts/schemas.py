"""Marshmallow schemas of the contracts API."""

import json

from marshmallow import Schema, fields, validate

from sib.fields import DecimalString, Money


class AsOfSchema(Schema):
    as_of = fields.Date(
        metadata={"description": "Show the version in force on this day (YYYY-MM-DD)."}
    )


class VersionSchema(Schema):
    number = fields.Integer()
    effective_from = fields.Date()
    reason = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    document_sha256 = fields.String()


class OrganisationRefSchema(Schema):
    id = fields.String(attribute="slug")
    name = fields.String()
    kind = fields.String()
    org_number = fields.String(allow_none=True)


class PartySchema(Schema):
    organisation = fields.Nested(OrganisationRefSchema)
    role = fields.String()
    commitment = Money(allow_none=True)
    tranche = fields.String(allow_none=True)
    yearly_cap = Money(allow_none=True)
    default_share = DecimalString(allow_none=True)


class MetricSchema(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.String()
    direction = fields.String()
    participant_level = fields.Boolean()
    areas = fields.Method("area_list")

    def area_list(self, metric):
        return json.loads(metric.areas)


class PeriodSchema(Schema):
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    deadline = fields.Date(allow_none=True)
    payment_on = fields.Date(metadata={"description": "deadline, else ends_on"})


class TermSummarySchema(Schema):
    id = fields.String(attribute="term_id")
    metric = fields.String(attribute="metric_code")
    kind = fields.String()


class ContractSummarySchema(Schema):
    reference = fields.String()
    title = fields.String()
    currency = fields.String()
    status = fields.String()


class ContractSchema(ContractSummarySchema):
    version = fields.Nested(VersionSchema)
    parties = fields.List(fields.Nested(PartySchema))
    metrics = fields.List(fields.Nested(MetricSchema))
    periods = fields.List(fields.Nested(PeriodSchema))
    terms = fields.List(fields.Nested(TermSummarySchema))


class AmendmentSchema(Schema):
    effective_from = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    terms = fields.Dict(required=True, metadata={"description": "the whole new terms document"})
