"""Marshmallow schemas of the contracts API."""

import json

from marshmallow import Schema, fields, validate

from contracts.amendments import is_lapsed
from contracts.history import json_diff
from contracts.terms.load import stored_terms
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


class AnswerSchema(Schema):
    """An affected party's answer to a proposed amendment."""

    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class AmendmentAnswerSchema(Schema):
    organisation = fields.String(attribute="organisation.slug")
    affected_as = fields.Function(
        lambda answer: answer.affected_as.split(","),
        metadata={"description": "the roles in which the amendment changes its money"},
    )
    answer = fields.String(metadata={"description": "pending, accepted or rejected"})
    answered_by = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    comment = fields.String()


class AmendmentProposalSchema(Schema):
    id = fields.Integer()
    status = fields.Method(
        "status_now",
        metadata={"description": "proposed, in_force, rejected, or lapsed (another version "
                  "took effect first)"},
    )  # fmt: skip
    base_version = fields.Integer(metadata={"description": "the version it amends"})
    version = fields.Integer(
        attribute="version.number", allow_none=True,
        metadata={"description": "the version it became, once in force"},
    )  # fmt: skip
    effective_from = fields.Date()
    reason = fields.String()
    document_sha256 = fields.String()
    proposed_by = fields.String()
    proposed_by_organisation = fields.String(
        attribute="proposed_by_organisation.slug", allow_none=True
    )
    proposed_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    answers = fields.List(fields.Nested(AmendmentAnswerSchema))
    changes = fields.Method(
        "changes_from_base",
        metadata={"description": "every JSON path the amendment changes in the version it amends"},
    )

    def status_now(self, proposal):
        return "lapsed" if is_lapsed(proposal) else proposal.status

    def changes_from_base(self, proposal):
        base = next(v for v in proposal.contract.versions if v.number == proposal.base_version)
        return json_diff(base.agreed.document, stored_terms(proposal.document).document)
