"""Each investor's internal rate of return over its dated cash flows (pure, via pyxirr)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pyxirr

#: Rates tried, nearest to 0 first, when looking for the root closest to 0: fine near 0,
#: coarser far away, never reaching -1 (a total loss has no rate).
_UP = [0] + [k / 1000 for k in range(1, 1001)] + [1 + k / 100 for k in range(1, 9901)]
_DOWN = [0] + [-k / 1000 for k in range(1, 1000)] + [-0.9999]
#: Intervals ``(inner, outer)`` on both sides of 0, sorted by the inner end's distance to 0.
_INTERVALS = sorted(
    list(zip(_UP, _UP[1:], strict=False)) + list(zip(_DOWN, _DOWN[1:], strict=False)),
    key=lambda pair: abs(pair[0]),
)
_FOUR_PLACES = Decimal("0.0001")


def irr_of(flows: list[tuple[dt.date, Decimal]]) -> Decimal | None:
    """Return the XIRR (actual/365) closest to 0 above -1, to 4 decimals half even.

    Args:
        flows: ``(date, amount)`` cash flows, negative for money paid in.

    Returns:
        The rate as a fraction (``0.0523`` is 5.23 % a year), or None when undefined.
    """
    merged: dict[dt.date, Decimal] = {}
    for on, amount in flows:
        merged[on] = merged.get(on, Decimal(0)) + amount
    dates = sorted(merged)
    amounts = [merged[d] for d in dates]
    if not any(a > 0 for a in amounts) or not any(a < 0 for a in amounts):
        return None
    rate = _closest_root(dates, amounts)
    if rate is None:
        return None
    return Decimal(str(rate)).quantize(_FOUR_PLACES, rounding=ROUND_HALF_EVEN) + Decimal(0)


def _closest_root(dates, amounts):
    npv = _npv(dates, amounts)
    if npv(0) == 0:
        return 0
    try:
        found = pyxirr.xirr(dates, amounts, guess=0, silent=True)
    except (pyxirr.InvalidPaymentsError, OverflowError, ValueError):
        found = None
    if found is not None and not (-1 < found < 1e9):
        found = None
    limit = abs(found) if found is not None else None
    for inner, outer in _INTERVALS:
        if limit is not None and abs(inner) >= limit:
            break  # pyxirr's root is at least as close to 0 as any root left to find
        f_inner, f_outer = npv(inner), npv(outer)
        if f_outer == 0 or (f_inner > 0) != (f_outer > 0):
            return _bisect(npv, inner, outer)
    return found


def _npv(dates, amounts):
    def npv(rate):
        return pyxirr.xnpv(rate, dates, amounts)

    return npv


def _bisect(npv, low, high):
    # npv changes sign between low and high (both above -1); halve until the bracket is tiny.
    f_low = npv(low)
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = npv(mid)
        if f_mid == 0 or abs(high - low) < 1e-13:
            return mid
        if (f_mid > 0) == (f_low > 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return (low + high) / 2
