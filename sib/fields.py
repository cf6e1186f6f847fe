"""Marshmallow fields shared by the API schemas: money and decimals travel as strings."""

from marshmallow import fields


class DecimalString(fields.Decimal):
    """A decimal written as a JSON string, e.g. "4800000.00"; documented as string/decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        super().__init__(**kwargs)


class Money(DecimalString):
    """An amount in the contract currency, as a decimal string."""


def register_fields(api) -> None:
    """Tell apispec that these fields are strings holding decimals, not JSON numbers."""
    api.register_field(DecimalString, "string", "decimal")
    api.register_field(Money, "string", "decimal")
