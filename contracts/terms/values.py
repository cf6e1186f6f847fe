"""Marshmallow building blocks: decimals written as text, ISO dates, flags, maps, strict schemas."""

import datetime as dt
import difflib
import re
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from sib.fields import decimal_problem

# A decimal as the format writes it: digits, an optional minus sign and decimal point; no
# exponent, spaces or thousands separators, so every reader sees the same number.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_decimal(value: object) -> Decimal | None:
    """Return the decimal a value writes, or None when it is not a decimal string."""
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return None


def parse_date(value: object) -> dt.date | None:
    """Return the date a value writes, or None when it is not an ISO date string."""
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _number_as_text(value: int | float) -> str:
    """Write a JSON number the way the document should have written it, for the hint."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)).normalize(), "f")


class DecimalText(fields.Field):
    """A decimal written as a JSON string; `noun` names what it is in messages."""

    def __init__(
        self, noun: str = "amounts", *, negative: str | None = None, places: int = 60, **kwargs
    ):
        super().__init__(**kwargs)
        self.noun = noun
        self.negative = negative  # the sentence for a value below zero; None allows it
        #: digits after the point kept exactly where the value is stored (a money column keeps
        #: 6); elsewhere TERMS.md sets no limit, and the engine works with 60 significant digits
        self.places = places

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, int | float) and not isinstance(value, bool):
            hint = _number_as_text(value)
            raise ValidationError(f'write {self.noun} as text, e.g. "{hint}", not as a number')
        number = parse_decimal(value)
        if number is None:
            shown = f'"{value}"' if isinstance(value, str) else "this value"
            raise ValidationError(
                f"{shown} is not a decimal; write {self.noun} as text holding digits, "
                'with an optional minus sign and decimal point, e.g. "4800000" or "0.45"'
            )
        if self.negative is not None and number < 0:
            raise ValidationError(self.negative)
        if problem := decimal_problem(number, places=self.places):
            raise ValidationError(f"{value} {problem}")
        return number


class IsoDate(fields.Field):
    """A calendar date written as a `YYYY-MM-DD` string."""

    def _deserialize(self, value, attr, data, **kwargs) -> dt.date:
        date = parse_date(value)
        if date is None:
            shown = f'"{value}"' if isinstance(value, str) else "this value"
            raise ValidationError(
                f'{shown} is not a date; write dates as text "YYYY-MM-DD", e.g. "2027-01-31"'
            )
        return date


class Text(fields.Field):
    """A non-empty JSON string, optionally one of a fixed set of choices."""

    def __init__(self, choices: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise ValidationError("must be text (a JSON string)")
        if not value.strip():
            raise ValidationError("must not be empty")
        if self.choices and value not in self.choices:
            listed = ", ".join(f'"{choice}"' for choice in self.choices)
            raise ValidationError(f'"{value}" is not allowed here; use one of {listed}')
        return value


class Flag(fields.Field):
    """A JSON `true` or `false`; text such as "yes" is refused rather than guessed."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false (without quotes)")
        return value


class MapOf(fields.Field):
    """A JSON object whose keys are names (ids, labels) and whose values share one field."""

    def __init__(self, values: fields.Field, **kwargs):
        super().__init__(**kwargs)
        self.values = values

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        if not isinstance(value, dict):
            raise ValidationError("must be an object")
        result, errors = {}, {}
        for key, item in value.items():
            try:
                result[key] = self.values.deserialize(item, **kwargs)
            except ValidationError as error:
                errors[key] = error.messages
        if errors:
            raise ValidationError(errors)
        return result


class Shares(MapOf):
    """`{org_id: share}`: non-negative decimal shares summing to exactly 1."""

    def __init__(self, **kwargs):
        super().__init__(DecimalText("shares", negative="a share cannot be negative"), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        shares = super()._deserialize(value, attr, data, **kwargs)
        total = sum(shares.values(), Decimal(0))
        if total != 1:
            raise ValidationError(f"the shares add up to {total}; they must add up to exactly 1")
        return shares


class Kinds(fields.Field):
    """An object whose `key` field (kind, role) picks the schema that checks the rest."""

    def __init__(self, schemas: dict, noun: str, key: str = "kind", **kwargs):
        super().__init__(**kwargs)
        self.schemas = schemas  # {kind: schema class}
        self.noun = noun
        self.key = key

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        if not isinstance(value, dict):
            raise ValidationError(f"must be an object ({self.noun})")
        kind = value.get(self.key)
        if not isinstance(kind, str) or kind not in self.schemas:
            listed = ", ".join(f'"{name}"' for name in self.schemas)
            if kind is None:
                message = f"{self.noun} needs a {self.key}: one of {listed}"
            else:
                message = (
                    f"{_shown(kind)} is not a {self.key} {self.noun} can have; use one of {listed}"
                )
            raise ValidationError({self.key: [message]})
        return self.schemas[kind]().load(value)


def _shown(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else "the value given"


class UnknownField(str):
    """The message marshmallow stores for an unknown field; `sentence` words it with the name."""

    def __new__(cls, noun: str, names: list[str], neighbours: dict[str, str]):
        marker = super().__new__(cls, f"is not a field of {noun}")
        marker.noun, marker.names, marker.neighbours = noun, names, neighbours
        return marker

    def sentence(self, name: str) -> str:
        """Say that `name` is not a field here, suggesting the field it was probably meant to be."""
        close = difflib.get_close_matches(name, self.names, n=1)
        if name in self.neighbours:
            hint = f"it belongs to {self.neighbours[name]}."
        elif close:
            hint = f'did you mean "{close[0]}"?'
        else:
            hint = f"its fields are {', '.join(self.names)}."
        return (
            f'"{name}" is not a field of {self.noun}; {hint} '
            '(Notes may go in fields whose names start with "x_".)'
        )


class StrictSchema(Schema):
    """Rejects unknown fields, naming the object; `x_` fields are notes and pass untouched."""

    noun = "this object"
    #: fields of the other kinds of this object, named by kind, for a clearer message
    neighbours: dict[str, str] = {}

    class Meta:
        unknown = RAISE

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["unknown"] = UnknownField(self.noun, list(self.fields), self.neighbours)
        self.error_messages["type"] = f"must be an object ({self.noun})"

    @pre_load
    def set_notes_aside(self, data, **kwargs):
        # The loaded result is thrown away (load_terms returns the document itself), so
        # dropping notes here only keeps them out of the unknown-field check.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("x_")}
        return data


def list_of(schema, **kwargs) -> fields.List:
    """A JSON list of objects checked by `schema` (a class or a field)."""
    inner = fields.Nested(schema) if isinstance(schema, type) else schema
    return fields.List(inner, **kwargs)


def amount(what: str, **kwargs) -> DecimalText:
    """A non-negative amount of money, `what` naming it in the message."""
    return DecimalText("amounts", negative=f"{what} cannot be negative", **kwargs)


def introduce(kinds: dict) -> None:
    """Tell each kind's schema which fields belong to its sibling kinds (and which kinds)."""
    for schema in set(kinds.values()):
        owners: dict[str, list[str]] = {}
        for other in dict.fromkeys(kinds.values()):
            for name in other._declared_fields:
                if name not in schema._declared_fields:
                    owners.setdefault(name, []).append(other.noun)
        schema.neighbours = {name: " and ".join(nouns) for name, nouns in owners.items()}
