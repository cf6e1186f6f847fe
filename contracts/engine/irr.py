"""Each investor's internal rate of return over its dated cash flows (pure, via pyxirr)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
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
#: Distances of the grid points from 0, ascending, to find where pyxirr's root falls.
_UP_DISTANCES = _UP
_DOWN_DISTANCES = [-rate for rate in _DOWN]
#: Grid points re-evaluated on the root's side before it: enough to contain the root's
#: interval even when pyxirr's root and the grid's sign change sit a rounding error apart.
_WINDOW = 3
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
    # The documented search: walk the grid outwards from 0 on both sides and bisect the first
    # interval where the NPV changes sign, stopping once pyxirr's own root is nearer to 0.
    npv = _npv(dates, amounts)
    if npv(0) == 0:
        return 0
    try:
        found = pyxirr.xirr(dates, amounts, guess=0, silent=True)
    except (pyxirr.InvalidPaymentsError, OverflowError, ValueError):
        found = None
    if found is not None and not (-1 < found < 1e9):
        found = None
    if found is not None and _one_sign_change(amounts):
        shortcut = _walk_near(npv, found)
        if shortcut is not None:
            return shortcut
    return _walk(npv, found)


def _one_sign_change(amounts) -> bool:
    # Descartes' rule of signs (it holds for real exponents): flows in date order that change
    # sign once give an NPV with at most one root above -1, so pyxirr's root is the only one.
    signs = [a > 0 for a in amounts if a != 0]
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b) == 1


def _walk(npv, found):
    # The full walk, each grid point's NPV computed once (adjacent intervals share an end).
    limit = abs(found) if found is not None else None
    for inner, outer in _INTERVALS:
        if limit is not None and abs(inner) >= limit:
            break  # pyxirr's root is at least as close to 0 as any root left to find
        f_inner, f_outer = npv(inner), npv(outer)
        if f_outer == 0 or (f_inner > 0) != (f_outer > 0):
            return _bisect(npv, inner, outer)
    return found


def _walk_near(npv, found):
    # With the root unique, the full walk meets no sign change before the root's interval and
    # none on the other side of 0: only the last few intervals before it stops need walking.
    # Returns None (walk everything) if the grid point before them disagrees with NPV(0).
    grid, distances = (_UP, _UP_DISTANCES) if found > 0 else (_DOWN, _DOWN_DISTANCES)
    stop = min(bisect_left(distances, abs(found)), len(grid) - 1)  # intervals walked: [0, stop)
    start = max(stop - _WINDOW, 0)
    if (npv(grid[start]) > 0) != (npv(0) > 0):
        return None
    for k in range(start, stop):
        f_inner, f_outer = npv(grid[k]), npv(grid[k + 1])
        if f_outer == 0 or (f_inner > 0) != (f_outer > 0):
            return _bisect(npv, grid[k], grid[k + 1])
    return found


def _npv(dates, amounts):
    # Memoised: the walks and the bisection ask for the same rates more than once.
    known: dict[float, float] = {}

    def npv(rate):
        if rate not in known:
            known[rate] = pyxirr.xnpv(rate, dates, amounts)
        return known[rate]

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
