"""What a contract accepts in an outcome workbook: metrics, periods and areas (pure)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

#: Units whose values are whole numbers of something.
WHOLE_UNITS = frozenset({"count"})
#: Units that cannot be negative.
NON_NEGATIVE_UNITS = frozenset({"count", "money", "days", "percent"})


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric as the workbook sees it."""

    code: str
    name: str
    unit: str
    direction: str
    participant_level: bool = False
    areas: tuple[str, ...] = ()
    #: False when some term on the metric is `repeatable`: a participant may then achieve it again.
    once_only: bool = True

    def accepts_area(self, area: str) -> bool:
        """Say whether a row for this metric may name this area ("" for none)."""
        return area in self.areas if self.areas else area == ""


@dataclass(frozen=True, slots=True)
class Period:
    """A measurement period: dates achieved must fall within it."""

    label: str
    starts_on: datetime.date
    ends_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        """Say whether a date falls within the period, both ends included."""
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything a contract's workbook may name, looked up case-insensitively."""

    reference: str
    title: str
    metrics: tuple[Metric, ...]
    periods: tuple[Period, ...]
    areas: tuple[str, ...]

    def metric(self, code: str) -> Metric | None:
        """Find a metric by code, ignoring case and surrounding spaces."""
        return _by_key(self.metrics, code, lambda m: m.code)

    def period(self, label: str) -> Period | None:
        """Find a period by label, ignoring case and surrounding spaces."""
        return _by_key(self.periods, label, lambda p: p.label)

    def area(self, name: str) -> str | None:
        """Find an area by name, ignoring case; "" stands for no area."""
        if name.strip() == "":
            return ""
        return _by_key(self.areas, name, lambda a: a)


def _by_key(items, key, name_of):
    wanted = key.strip().casefold()
    for item in items:
        if name_of(item).casefold() == wanted:
            return item
    return None


def catalogue_from_terms(terms: dict) -> Catalogue:
    """Build the catalogue from a `sib-terms/1` document (areas come from `x_areas`)."""
    repeatable = {t.get("metric") for t in terms.get("terms", ()) if t.get("repeatable") is True}
    metrics = tuple(
        Metric(
            code=m["code"],
            name=m.get("name", m["code"]),
            unit=m.get("unit", ""),
            direction=m.get("direction", "higher"),
            participant_level=m.get("participant_level", False) is True,
            areas=tuple(m.get("x_areas", ())),
            once_only=m["code"] not in repeatable,
        )
        for m in terms.get("metrics", ())
    )
    periods = tuple(
        Period(
            label=p["label"],
            starts_on=datetime.date.fromisoformat(p["starts_on"]),
            ends_on=datetime.date.fromisoformat(p["ends_on"]),
        )
        for p in terms.get("periods", ())
    )
    areas = tuple(dict.fromkeys(a for m in metrics for a in m.areas))
    return Catalogue(
        reference=terms.get("reference", ""),
        title=terms.get("title", ""),
        metrics=metrics,
        periods=periods,
        areas=areas,
    )
