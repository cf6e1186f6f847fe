"""Finding a row's metric, period and area in the catalogue, cached by cell value (pure)."""

from __future__ import annotations

from outcomes.workbook.catalogue import Catalogue, Metric
from outcomes.workbook.cells import is_empty, to_text
from outcomes.workbook.limits import Limits
from outcomes.workbook.sheet import shown_value

#: How many accepted codes a message lists before "...".
LISTED = 12


def _listed(names) -> str:
    names = list(names)
    return ", ".join(names[:LISTED]) + (", ..." if len(names) > LISTED else "")


def _quoted(raw, reason: str) -> str:
    return f'"{shown_value(raw)}" {reason}'


class Lookups:
    """Find codes, periods and areas case-insensitively; each answer is (found, problem)."""

    def __init__(self, catalogue: Catalogue, limits: Limits):
        self.catalogue, self.limits = catalogue, limits
        self.metrics = {m.code.casefold(): m for m in catalogue.metrics}
        self.periods = {p.label.casefold(): p for p in catalogue.periods}
        self.areas = {a.casefold(): a for a in catalogue.areas}
        self._cache: dict = {}

    def metric(self, raw, participant_level: bool) -> tuple[Metric | None, str]:
        """Find the row's metric and check it belongs on this sheet."""
        key = ("metric", raw, participant_level)
        if key not in self._cache:
            self._cache[key] = self._metric(raw, participant_level)
        return self._cache[key]

    def period(self, raw):
        """Find the row's period."""
        key = ("period", raw)
        if key not in self._cache:
            self._cache[key] = self._period(raw)
        return self._cache[key]

    def area(self, raw, metric: Metric | None) -> tuple[str | None, str]:
        """Find the row's area ("" for none) and check the metric is broken down by it."""
        key = ("area", raw, metric)
        if key not in self._cache:
            self._cache[key] = self._area(raw, metric)
        return self._cache[key]

    def _too_long(self, raw, text: str) -> str:
        if len(text) <= self.limits.max_text_chars:
            return ""
        return _quoted(
            raw,
            f"is {len(text)} characters long; at most "
            f"{self.limits.max_text_chars} are accepted in this column.",
        )

    def _metric(self, raw, participant_level: bool):
        if is_empty(raw):
            codes = [
                m.code for m in self.catalogue.metrics if m.participant_level == participant_level
            ] or ["EMP6"]
            return None, f"the cell is empty; write a metric code such as {codes[0]}."
        code = to_text(raw)
        if problem := self._too_long(raw, code):
            return None, problem
        metric = self.metrics.get(code.casefold())
        if metric is None:
            codes = _listed(m.code for m in self.catalogue.metrics)
            return None, _quoted(
                raw, f"is not a metric of contract {self.catalogue.reference}; use one of: {codes}."
            )
        if metric.participant_level != participant_level:
            where = (
                "Participants sheet, one row per participant"
                if metric.participant_level
                else "Values sheet as one figure"
            )
            return None, f"{metric.code} is reported on the {where}; move this row there."
        return metric, ""

    def _period(self, raw):
        if is_empty(raw):
            example = self.catalogue.periods[0].label if self.catalogue.periods else "2027"
            return None, f"the cell is empty; write a period such as {example}."
        label = to_text(raw)
        if problem := self._too_long(raw, label):
            return None, problem
        period = self.periods.get(label.casefold())
        if period is None:
            labels = _listed(p.label for p in self.catalogue.periods)
            return None, _quoted(raw, f"is not a period of this contract; use one of: {labels}.")
        return period, ""

    def _area(self, raw, metric: Metric | None):
        name = to_text(raw)
        if problem := self._too_long(raw, name):
            return None, problem
        area = "" if name == "" else self.areas.get(name.casefold())
        if area is None:
            known = _listed(self.catalogue.areas) or "none (leave it empty)"
            return None, _quoted(raw, f"is not an area of this contract; use one of: {known}.")
        if metric is not None and not metric.accepts_area(area):
            if metric.areas:
                return (
                    None,
                    f"{metric.code} is reported per area; write one of: {_listed(metric.areas)}.",
                )
            return None, f"{metric.code} is not broken down by area; leave the area empty."
        return area, ""
