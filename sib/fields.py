"""Marshmallow fields shared by the API schemas: money and decimals travel as strings."""

from decimal import Decimal

from marshmallow import ValidationError, fields

#: digits before the decimal point of any decimal the API accepts: far beyond any amount, and
#: well inside the NUMERIC(28, 6) money columns and the decimal context's 28 digits
MAX_INTEGER_DIGITS = 18
#: places after the decimal point of a decimal the API accepts (shares, rates, measures)
MAX_PLACES = 12
#: places after the decimal point of an amount (the money columns keep 6)
MONEY_PLACES = 6


def decimal_problem(
    number: Decimal, integer_digits: int = MAX_INTEGER_DIGITS, places: int = MAX_PLACES
) -> str | None:
    """Why a decimal is out of bounds (infinite, too large, too many places), or None.

    Never rounds: "1e400", sixty nines and "1e-400" are refused, not approximated.
    """
    if not number.is_finite():
        return "must be a finite number"
    if number.is_zero():
        return None
    if number.adjusted() >= integer_digits:
        return f"must have at most {integer_digits} digits before the decimal point"
    _, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if -(exponent + trailing_zeros) > places:
        return f"must have at most {places} digits after the decimal point"
    return None


class DecimalString(fields.Decimal):
    """A decimal written as a JSON string, e.g. "4800000.00"; documented as string/decimal.

    Refuses numbers the service cannot store or compute with exactly (see decimal_problem).
    """

    #: bounds on what is accepted (marshmallow's own `places` rounds, which would hide them)
    max_integer_digits = MAX_INTEGER_DIGITS
    max_places = MAX_PLACES

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        problem = number is not None and decimal_problem(
            number, self.max_integer_digits, self.max_places
        )
        if problem:
            raise ValidationError(problem)
        return number


class Money(DecimalString):
    """An amount in the contract currency, as a decimal string."""

    max_places = MONEY_PLACES


def register_fields(api) -> None:
    """Tell apispec that these fields are strings holding decimals, not JSON numbers."""
    api.register_field(DecimalString, "string", "decimal")
    api.register_field(Money, "string", "decimal")
