"""Checking each row of the Values and Participants sheets against the contract (pure).

Every check runs on every row; problems are collected, never raised. Lookups are cached by
cell value, since a million rows repeat a handful of codes, periods, areas and dates.
"""

from __future__ import annotations

from decimal import Decimal

from outcomes.workbook.catalogue import NON_NEGATIVE_UNITS, WHOLE_UNITS, Catalogue, Metric
from outcomes.workbook.cells import CellError, Number, is_empty, to_date, to_number, to_text
from outcomes.workbook.limits import Limits
from outcomes.workbook.pseudonym import IdentifierError, pseudonym_for
from outcomes.workbook.results import ParticipantRow, ValueRow
from outcomes.workbook.sheet import Sheet, data_rows, shown_value

HUNDRED = Decimal(100)
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
        return _quoted(raw, f"is {len(text)} characters long; at most "
                       f"{self.limits.max_text_chars} are accepted in this column.")  # fmt: skip

    def _metric(self, raw, participant_level: bool):
        if is_empty(raw):
            codes = [m.code for m in self.catalogue.metrics
                     if m.participant_level == participant_level] or ["EMP6"]  # fmt: skip
            return None, f"the cell is empty; write a metric code such as {codes[0]}."
        code = to_text(raw)
        if problem := self._too_long(raw, code):
            return None, problem
        metric = self.metrics.get(code.casefold())
        if metric is None:
            codes = _listed(m.code for m in self.catalogue.metrics)
            return None, _quoted(raw, f"is not a metric of contract {self.catalogue.reference}; "
                                 f"use one of: {codes}.")  # fmt: skip
        if metric.participant_level != participant_level:
            where = ("Participants sheet, one row per participant" if metric.participant_level
                     else "Values sheet as one figure")  # fmt: skip
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
                return None, f"{metric.code} is reported per area; write one of: " \
                    f"{_listed(metric.areas)}."  # fmt: skip
            return None, f"{metric.code} is not broken down by area; leave the area empty."
        return area, ""


def check_values(sheet: Sheet, rows, lookups: Lookups) -> list[ValueRow]:
    """Check every row of the Values sheet; return the good ones."""
    accepted, seen = [], {}
    value_at = sheet.positions["value"]
    percent = sheet.facts.percent_cells
    for number, (raw_metric, raw_period, raw_area, raw_value, raw_comment) in data_rows(
        sheet, rows, lookups.limits
    ):
        metric = _found(sheet, number, "metric", raw_metric, lookups.metric(raw_metric, False))
        period = _found(sheet, number, "period", raw_period, lookups.period(raw_period))
        area = _found(sheet, number, "area", raw_area, lookups.area(raw_area, metric))
        value = _value(sheet, number, raw_value, metric, (number, value_at) in percent)
        comment = _comment(sheet, number, raw_comment, lookups.limits)
        if None in (metric, period, area, value, comment):
            continue
        key = (metric.code, period.label, area)
        if key in seen:
            sheet.error(number, "metric", None, f"{metric.code} for period {period.label}"
                        f"{' in ' + area if area else ''} is already given on row {seen[key]}; "
                        "keep one row per metric, period and area.")  # fmt: skip
            continue
        seen[key] = number
        accepted.append(ValueRow(number, metric.code, period.label, area, value, comment))
    return accepted


def _found(sheet: Sheet, number: int, key: str, raw, answer):
    found, problem = answer
    if problem:
        sheet.error(number, key, raw, problem, quote=False)
    return found


def _comment(sheet: Sheet, number: int, raw, limits: Limits) -> str | None:
    text = to_text(raw)
    if len(text) > limits.max_comment_chars:
        sheet.error(number, "comment", raw, f"is {len(text)} characters long; keep comments "
                    f"to {limits.max_comment_chars} characters.")  # fmt: skip
        return None
    return text


def _value(sheet: Sheet, number: int, raw, metric: Metric | None, percent_format: bool):
    if is_empty(raw):
        sheet.error(number, "value", raw, "the cell is empty; write the figure, or delete the row.")
        return None
    try:
        read = to_number(raw, percent_format=percent_format)
    except CellError as exc:
        sheet.error(number, "value", raw, f"{exc}; write a number such as 12 or 12,5.")
        return None
    reason = unit_problem(read, metric) if metric is not None else ""
    if reason:
        sheet.error(number, "value", raw, reason)
        return None
    return read.value


def unit_problem(read: Number, metric: Metric) -> str:
    """Say what is wrong with a number for the metric's unit, or "" when nothing is."""
    unit, value = metric.unit, read.value
    if read.percent and unit != "percent":
        noun = "a count" if unit in WHOLE_UNITS else f"measured in {unit or 'plain numbers'}"
        return f"is a percentage, but {metric.code} is {noun}; write the figure without %."
    if unit in WHOLE_UNITS and value != value.to_integral_value():
        return (f"is not a whole number, but {metric.code} is a count; write a whole number "
                "such as 12.")  # fmt: skip
    if unit in NON_NEGATIVE_UNITS and value < 0:
        return f"is negative, but {metric.code} ({unit}) cannot be below 0."
    if unit == "percent" and value > HUNDRED:
        return f"is over 100, but {metric.code} is a percentage; write a figure from 0 to 100."
    return ""


def check_participants(sheet: Sheet, rows, lookups: Lookups, key: bytes) -> list[ParticipantRow]:
    """Check and pseudonymise every participant row; return the good ones."""
    accepted = []
    first_row: dict = {}
    dates: dict = {}
    limits = lookups.limits
    for number, (raw_id, raw_metric, raw_period, raw_date, raw_area) in data_rows(
        sheet, rows, limits
    ):
        pseudonym = _pseudonym(sheet, number, raw_id, key, limits)
        metric = _found(sheet, number, "metric", raw_metric, lookups.metric(raw_metric, True))
        period = _found(sheet, number, "period", raw_period, lookups.period(raw_period))
        area = _found(sheet, number, "area", raw_area, lookups.area(raw_area, metric))
        achieved_on = _achieved_on(sheet, number, raw_date, period, dates)
        if None in (pseudonym, metric, period, area, achieved_on):
            continue
        # Once-only outcomes: one row per participant. Repeatable ones: one per participant a day.
        seen = first_row.setdefault(metric.code if metric.once_only else (metric.code, achieved_on), {})
        if pseudonym in seen:
            sheet.error(number, "participant", None, _repeated(metric, seen[pseudonym]))
            continue
        seen[pseudonym] = number
        accepted.append(
            ParticipantRow(number, pseudonym, metric.code, period.label, area, achieved_on)
        )
    return accepted


def _repeated(metric: Metric, earlier: int) -> str:
    if metric.once_only:
        return (f"this participant already achieved {metric.code} on row {earlier}; the "
                "outcome counts once per participant, so delete one of the rows.")  # fmt: skip
    return (f"this participant already has a row for {metric.code} on the same date (row "
            f"{earlier}); delete the duplicate row.")  # fmt: skip


def _pseudonym(sheet: Sheet, number: int, raw, key: bytes, limits: Limits) -> bytes | None:
    # The identifier is never passed on as the error's value: errors show the row, not the id.
    if raw is None or raw == "":
        sheet.error(number, "participant", None, "the cell is empty; write the participant's "
                    "identifier.")  # fmt: skip
        return None
    text = raw.strip() if raw.__class__ is str else to_text(raw)
    if len(text) > limits.max_text_chars:
        sheet.error(number, "participant", None, f"is {len(text)} characters long; an "
                    f"identifier has at most {limits.max_text_chars}.")  # fmt: skip
        return None
    try:
        return pseudonym_for(text, key)
    except IdentifierError as exc:
        sheet.error(number, "participant", None, f"the identifier {exc}")
        return None


def _achieved_on(sheet: Sheet, number: int, raw, period, cache: dict):
    # Cached by cell value: a million rows share a few hundred dates, one object each.
    day = cache.get(raw)
    if day is None:
        if is_empty(raw):
            sheet.error(number, "achieved_on", raw, "the cell is empty; write the date the "
                        "outcome was achieved, such as 2027-03-01.")  # fmt: skip
            return None
        try:
            day = cache[raw] = to_date(raw)
        except CellError as exc:
            sheet.error(number, "achieved_on", raw, f"{exc}; write the date as 2027-03-01.")
            return None
    if period is not None and not period.starts_on <= day <= period.ends_on:
        sheet.error(number, "achieved_on", raw, f"{day.isoformat()} is outside period "
                    f"{period.label} ({period.starts_on.isoformat()} to "
                    f"{period.ends_on.isoformat()}); check the date or the period.",
                    quote=False)  # fmt: skip
        return None
    return day
