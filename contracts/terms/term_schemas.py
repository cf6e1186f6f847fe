"""Marshmallow schemas for terms: measures, gates and each kind's own fields."""

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length

from contracts.terms.values import (
    DecimalText,
    Flag,
    Kinds,
    MapOf,
    Shares,
    StrictSchema,
    Text,
    amount,
    introduce,
    list_of,
)


class MetricReferenceSchema(StrictSchema):
    noun = "a baseline metric reference"
    metric = Text(required=True)


class Baseline(fields.Field):
    """A baseline: a decimal string, or `{metric: CODE}` for a comparison group."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            return MetricReferenceSchema().load(value)
        return DecimalText("baselines")._deserialize(value, attr, data)


class ValueMeasureSchema(StrictSchema):
    noun = 'a "value" measure'
    kind = Text(required=True)


class ChangeMeasureSchema(ValueMeasureSchema):
    noun = 'a "change" measure'
    baseline = Baseline(required=True)


class RelativeChangeMeasureSchema(ChangeMeasureSchema):
    noun = 'a "relative_change" measure'


MEASURES = {
    "value": ValueMeasureSchema,
    "change": ChangeMeasureSchema,
    "relative_change": RelativeChangeMeasureSchema,
}
introduce(MEASURES)


def measure(**kwargs) -> Kinds:
    """A measure object, dispatched on its kind."""
    return Kinds(MEASURES, "a measure", **kwargs)


def threshold(**kwargs) -> DecimalText:
    """A figure compared with a measure (a tier, a floor, a gate)."""
    return DecimalText("measures", **kwargs)


class GateSchema(StrictSchema):
    noun = "a gate"
    at = threshold(required=True)
    metric = Text()
    measure = measure()

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def check_measure_has_metric(self, data, original_data, **kwargs):
        if not isinstance(original_data, dict):
            return  # already reported as not an object
        if "measure" in original_data and "metric" not in original_data:
            raise ValidationError(
                "a gate's measure applies only to the gate's own metric; add the gate's "
                "metric, or leave the measure out to gate on the term's own measure",
                "measure",
            )


class TermSchema(StrictSchema):
    noun = "a term"
    id = Text(required=True)
    metric = Text(required=True)
    kind = Text(required=True)
    measure = measure()
    gate = fields.Nested(GateSchema)
    periods = fields.List(
        Text(),
        validate=Length(
            min=1, error="lists no periods; leave it out for a term that applies in all"
        ),
    )
    basis = Text(("period", "cumulative"))
    group = Text()
    cap_per_period = amount("a cap")
    cap_total = amount("a cap")
    payer_shares = Shares()
    payer_shares_by_period = MapOf(Shares())
    repeatable = Flag()


class TierSchema(StrictSchema):
    noun = "a tier"
    at = threshold(required=True)
    pay = amount("a tier's pay", required=True)


class TieredTermSchema(TermSchema):
    noun = "a tiered term"
    tiers = list_of(TierSchema, required=True, validate=Length(min=1, error="needs a tier"))


class LinearTermSchema(TermSchema):
    noun = "a linear term"
    floor = threshold(required=True)
    target = threshold(required=True)
    pay_at_floor = amount("the pay at the floor")
    pay_at_target = amount("the pay at the target", required=True)
    clamp = Flag()


class BracketSchema(StrictSchema):
    noun = "a bracket"
    up_to = DecimalText("unit counts", negative="a bracket cannot end below zero units")
    price = amount("a price", required=True)


class Until(fields.Field):
    """Where a price step ends: an amount earned, or "investors_repaid"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "investors_repaid":
            return value
        return amount("a step's amount")._deserialize(value, attr, data)


class PriceStepSchema(StrictSchema):
    noun = "a price step"
    until = Until()
    price = amount("a price", required=True)


PRICE_FORMS = ("price", "brackets", "price_steps")


class RateCardTermSchema(TermSchema):
    noun = "a rate card term"
    price = amount("a price")
    brackets = list_of(BracketSchema, validate=Length(min=1, error="needs a bracket"))
    price_steps = list_of(PriceStepSchema, validate=Length(min=1, error="needs a step"))
    floor = threshold()
    max_units = DecimalText("unit counts", negative="max_units cannot be negative")

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def check_one_price_form(self, data, original_data, **kwargs):
        forms = [name for name in PRICE_FORMS if name in original_data]
        if not forms:
            raise ValidationError(
                "a rate card needs its price: one of price, brackets or price_steps"
            )
        if len(forms) > 1:
            message = f"a rate card has one price form, but this one also has {forms[0]}"
            raise ValidationError({name: [message] for name in forms[1:]})


TERM_KINDS = {
    "tiered": TieredTermSchema,
    "linear": LinearTermSchema,
    "rate_card": RateCardTermSchema,
}
introduce(TERM_KINDS)
