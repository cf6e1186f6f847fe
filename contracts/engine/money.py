"""Money for the pure engine: the one decimal constructor, rounding point and splitter."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from contracts.engine.currencies import MINOR_UNIT_EXPONENT

#: The contract's `rounding` field mapped to the decimal module's modes.
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}

ZERO = Decimal(0)

#: The engine's working precision (as in settle.PRECISION), passed explicitly to each
#: operation: cheaper than entering a local context on every call.
_WORK = Context(prec=60, rounding=ROUND_HALF_EVEN)
#: What the answer writes of a decimal: 28 significant digits, the last rounded half even.
_PLAIN = Context(prec=28, rounding=ROUND_HALF_EVEN)
#: The minor units in use, built once (`quantum` is asked on every rounding).
_QUANTA = {exponent: Decimal(1).scaleb(-exponent) for exponent in range(5)}


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
    """Return the ISO 4217 exponent of a currency, from the one table validation also uses.

    Args:
        currency: a three-letter ISO 4217 code with a minor unit.

    Returns:
        The number of digits after the point in the currency's minor unit.

    Raises:
        ValueError: for a code without a minor unit (validation refuses those first).
    """
    try:
        return MINOR_UNIT_EXPONENT[currency]
    except KeyError:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency with a minor unit") from None


def quantum(exponent: int) -> Decimal:
    """Return the minor unit as a Decimal (``Decimal("0.01")`` for exponent 2).

    Args:
        exponent: digits after the point.

    Returns:
        The smallest amount of the currency.
    """
    if exponent in _QUANTA:
        return _QUANTA[exponent]
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
    unit = _QUANTA.get(exponent) or quantum(exponent)  # the table first: asked for every term
    # Positional arguments: `quantize` parses them several times faster than keywords, and this
    # runs for every term of every period.
    rounded = amount.quantize(unit, ROUNDING_MODES[mode], _WORK)
    if rounded and exponent >= 0:
        return rounded  # what adding 0 gives a non-zero amount: the same value and exponent
    return _WORK.add(rounded, ZERO)  # adding 0 turns -0.00 into 0.00


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


def split(
    total: Decimal, shares: Sequence[tuple[str, Decimal]], exponent: int
) -> dict[str, Decimal]:
    """Split a whole-minor-unit total pro rata to shares by the largest-remainder method.

    Each part is the exact share truncated to the minor unit; the units left over go one each
    to the largest remainders, ties to the key listed first. A negative total is split as its
    absolute value and negated, so the parts mirror a positive split.

    Args:
        total: the amount to split, in whole minor units.
        shares: ``(key, weight)`` pairs in priority order; weights need not sum to 1. The pairs
            must be hashable: splits are remembered, as the same amounts recur every period.
        exponent: the currency's minor-unit exponent.

    Returns:
        ``{key: part}`` in the order of ``shares``; the parts sum exactly to ``total``.
    """
    return dict(split_pairs(total, tuple(shares), exponent))


def split_pairs(total: Decimal, shares: tuple, exponent: int) -> tuple[tuple[str, Decimal], ...]:
    """Return `split` as ``(key, part)`` pairs, without building a dict.

    Term amounts and shares repeat period after period, so splits are remembered.

    Args:
        total: the amount to split, in whole minor units.
        shares: ``(key, weight)`` pairs in priority order, as a tuple (it is a cache key).
        exponent: the currency's minor-unit exponent.

    Returns:
        ``(key, part)`` in the order of ``shares``; the parts sum exactly to ``total``.
    """
    if type(total) is Decimal:
        return _split_remembered(str(total), shares, exponent)
    return _split(total, shares, exponent)


# The split and amount caches below are keyed by the amount's text, not the decimal: a decimal
# with decimals computes its hash afresh for every new object, which costs several times what
# writing its text does, and every amount is a new object. The text gives back the exact
# decimal, so the answer is the one the decimal itself would get; equal values written
# differently merely get entries of their own.


@lru_cache(maxsize=1 << 14)
def _split_remembered(total: str, shares: tuple, exponent: int) -> tuple[tuple[str, Decimal], ...]:
    return _split(Decimal(total), shares, exponent)


def _split(total: Decimal, shares: tuple, exponent: int) -> tuple[tuple[str, Decimal], ...]:
    # `split_pairs`, computed. The parts depend only on the values.
    if total < 0:
        negated = _split(-total, shares, exponent)
        return tuple((key, _WORK.minus(part)) for key, part in negated)
    weight = sum((w for _, w in shares), ZERO)
    if weight <= 0:
        return tuple((key, ZERO.quantize(quantum(exponent), context=_WORK)) for key, _ in shares)
    units = int(total.scaleb(exponent, context=_WORK))
    if len(shares) == 1:
        return ((shares[0][0], _minor(units, exponent)),)  # what the method below gives one share
    exact = [_WORK.divide(_WORK.multiply(units, w), weight) for _, w in shares]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN, context=_WORK)) for e in exact]
    left = units - sum(floors)
    if left:
        order = sorted(range(len(shares)), key=lambda i: (_WORK.subtract(floors[i], exact[i]), i))
        for i in order[:left]:
            floors[i] += 1
    return tuple((key, _minor(n, exponent)) for (key, _), n in zip(shares, floors, strict=True))


def _minor(units: int, exponent: int) -> Decimal:
    # Whole minor units back to an amount; adding 0 turns -0.00 into 0.00.
    return _WORK.add(Decimal(units).scaleb(-exponent, context=_WORK), ZERO)


def format_amount(amount: Decimal, exponent: int) -> str:
    """Write an amount with exactly the currency's minor-unit decimals (never ``-0.00``).

    Args:
        amount: a Decimal already in whole minor units.
        exponent: the currency's minor-unit exponent.

    Returns:
        The amount as a plain string such as ``"1000000.00"``.
    """
    if type(amount) is Decimal:  # equal amounts write alike; amounts repeat a lot
        return _amount_remembered(str(amount), exponent)
    return _amount_text(amount, exponent)


@lru_cache(maxsize=1 << 16)
def _amount_remembered(amount: str, exponent: int) -> str:
    return _amount_text(Decimal(amount), exponent)


def _amount_text(amount: Decimal, exponent: int) -> str:
    # `format_amount`, computed.
    value = amount.quantize(quantum(exponent), context=_WORK)
    if value == 0:
        value = abs(value)
    return f"{value:f}"


@lru_cache(maxsize=1 << 16, typed=True)  # equal decimals write alike; figures repeat a lot
def format_decimal(number: Decimal) -> str:
    """Write a decimal plainly: no exponent, no trailing zeros, at most 28 significant digits.

    Args:
        number: any finite Decimal.

    Returns:
        The plain string, the 28th significant digit rounded half even.
    """
    value = _PLAIN.normalize(_PLAIN.plus(number))
    if value == 0:
        return "0"
    return f"{value:f}"
