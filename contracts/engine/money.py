"""Money for the pure engine: the one decimal constructor, rounding point and splitter."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

#: ISO 4217 exponents (digits after the point) that differ from the usual 2.
_EXPONENTS = {
    "JPY": 0,
    "ISK": 0,
    "KRW": 0,
    "KWD": 3,
    "BHD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}

#: The contract's `rounding` field mapped to the decimal module's modes.
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}

ZERO = Decimal(0)


def D(text: str | int | Decimal) -> Decimal:  # noqa: N802 - the conventional money constructor name
    """Build a Decimal from a document string (never from a float).

    Args:
        text: a decimal string such as ``"4800000"`` or ``"0.075"``, an int or a Decimal.

    Returns:
        The exact Decimal.
    """
    if isinstance(text, float):
        raise TypeError("money is never built from a float")
    return Decimal(text)


def minor_unit(currency: str) -> int:
    """Return the ISO 4217 exponent of a currency (2 for codes not listed as 0 or 3).

    Args:
        currency: a three-letter ISO 4217 code.

    Returns:
        The number of digits after the point in the currency's minor unit.
    """
    return _EXPONENTS.get(currency, 2)


def quantum(exponent: int) -> Decimal:
    """Return the minor unit as a Decimal (``Decimal("0.01")`` for exponent 2).

    Args:
        exponent: digits after the point.

    Returns:
        The smallest amount of the currency.
    """
    return Decimal(1).scaleb(-exponent)


def round_minor(amount: Decimal, exponent: int, mode: str = "half_up") -> Decimal:
    """Round an amount to whole minor units with the contract's rounding mode.

    Args:
        amount: any Decimal.
        exponent: the currency's minor-unit exponent.
        mode: ``"half_up"`` (halves away from zero) or ``"half_even"``.

    Returns:
        The amount quantized to the minor unit.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        return amount.quantize(quantum(exponent), rounding=ROUNDING_MODES[mode]) + ZERO


def to_minor(amount: Decimal, currency: str, mode: str = "half_up") -> Decimal:
    """Round an amount to the currency's minor unit: the engine's one rounding point.

    Args:
        amount: any Decimal.
        currency: the ISO 4217 code whose exponent fixes the minor unit.
        mode: ``"half_up"`` or ``"half_even"``, the contract's `rounding`.

    Returns:
        The amount quantized to the minor unit.
    """
    return round_minor(amount, minor_unit(currency), mode)


def split(total: Decimal, shares: list[tuple[str, Decimal]], exponent: int) -> dict[str, Decimal]:
    """Split a whole-minor-unit total pro rata to shares by the largest-remainder method.

    Each part is the exact share truncated to the minor unit; the units left over go one each
    to the largest remainders, ties to the key listed first. A negative total is split as its
    absolute value and negated, so the parts mirror a positive split.

    Args:
        total: the amount to split, in whole minor units.
        shares: ``(key, weight)`` pairs in priority order; weights need not sum to 1.
        exponent: the currency's minor-unit exponent.

    Returns:
        ``{key: part}`` in the order of ``shares``; the parts sum exactly to ``total``.
    """
    if total < 0:
        return {key: -part for key, part in split(-total, shares, exponent).items()}
    weight = sum((w for _, w in shares), ZERO)
    if weight <= 0:
        return {key: ZERO.quantize(quantum(exponent)) for key, _ in shares}
    with localcontext() as ctx:
        ctx.prec = 60
        units = int(total.scaleb(exponent))
        exact = [units * w / weight for _, w in shares]
        floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
        left = units - sum(floors)
        order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:left]:
            floors[i] += 1
    keys = [key for key, _ in shares]
    return {key: Decimal(n).scaleb(-exponent) + ZERO for key, n in zip(keys, floors, strict=True)}


def format_amount(amount: Decimal, exponent: int) -> str:
    """Write an amount with exactly the currency's minor-unit decimals (never ``-0.00``).

    Args:
        amount: a Decimal already in whole minor units.
        exponent: the currency's minor-unit exponent.

    Returns:
        The amount as a plain string such as ``"1000000.00"``.
    """
    value = amount.quantize(quantum(exponent))
    if value == 0:
        value = abs(value)
    return f"{value:f}"


def format_decimal(number: Decimal) -> str:
    """Write a decimal plainly: no exponent, no trailing zeros, at most 28 significant digits.

    Args:
        number: any finite Decimal.

    Returns:
        The plain string, the 28th significant digit rounded half even.
    """
    with localcontext() as ctx:
        ctx.prec = 28
        ctx.rounding = ROUND_HALF_EVEN
        value = (+number).normalize()
    if value == 0:
        return "0"
    return f"{value:f}"
