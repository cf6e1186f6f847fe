"""Checking each row of the Values and Participants sheets against the contract (pure).

Every check runs on every row; problems are collected, never raised.
"""

from __future__ import annotations

from decimal import Decimal

from outcomes.workbook.catalogue import NON_NEGATIVE_UNITS, WHOLE_UNITS, Catalogue, Metric
from outcomes.workbook.cells import CellError, Number, is_empty, to_date, to_number, to_text
from outcomes.workbook.limits import Limits
from outcomes.workbook.pseudonym import IdentifierError, pseudonym_for
from outcomes.workbook.results import ParticipantRow, ValueRow
from outcomes.workbook.sheet import Sheet, data_rows

HUNDRED = Decimal(100)
#: How many accepted codes a message lists before "...".
LISTED = 12


class Lookups:
    """Case-insensitive lookups of the catalogue, built once per file."""

    def __init__(self, catalogue: Catalogue, limits: Limits):
        self.catalogue = catalogue
        self.limits = limits
        self.metrics = {m.code.casefold(): m for m in catalogue.metrics}
        self.periods = {p.label.casefold(): p for p in catalogue.periods}
        self.areas = {a.casefold(): a for a in catalogue.areas}

    def text(self, sheet: Sheet, number: int, key: str, raw) -> str | None:
        """Read a short text cell; report it when too long."""
        text = to_text(raw)
        if len(text) > self.limits.max_text_chars:
            sheet.error(number, key, raw, f"is {len(text)} characters long; at most "
                        f"{self.limits.max_text_chars} are accepted in this column.")  # fmt: skip
            return None
        return text

    def metric(self, sheet: Sheet, number: int, raw, *, participant_level: bool) -> Metric | None:
        """Find the row's metric and check it belongs on this sheet."""
        if is_empty(raw):
            sheet.error(number, "metric", raw, f"the cell is empty; write a metric code such as "
                        f"{_example(self.catalogue, participant_level)}.")  # fmt: skip
            return None
        code = self.text(sheet, number, "metric", raw)
        metric = self.metrics.get(code.casefold()) if code is not None else None
        if code is not None and metric is None:
            sheet.error(number, "metric", raw, f"is not a metric of contract "
                        f"{self.catalogue.reference}; use one of: {self._codes()}.")  # fmt: skip
        elif metric is not None and metric.participant_level != participant_level:
            where = "Participants sheet, one row per participant" if metric.participant_level \
                else "Values sheet as one figure"  # fmt: skip
            sheet.error(number, "metric", raw, f"{metric.code} is reported on the {where}; "
                        "move this row there.", quote=False)  # fmt: skip
            return None
        return metric

    def period(self, sheet: Sheet, number: int, raw):
        """Find the row's period."""
        if is_empty(raw):
            sheet.error(number, "period", raw, f"the cell is empty; write a period such as "
                        f"{self.catalogue.periods[0].label if self.catalogue.periods else '2027'}.")  # fmt: skip
            return None
        label = self.text(sheet, number, "period", raw)
        period = self.periods.get(label.casefold()) if label is not None else None
        if label is not None and period is None:
            labels = _listed(p.label for p in self.catalogue.periods)
            sheet.error(number, "period", raw, f"is not a period of this contract; use one of: "
                        f"{labels}.")  # fmt: skip
        return period

    def area(self, sheet: Sheet, number: int, raw, metric: Metric | None) -> str | None:
        """Find the row's area ("" for none) and check the metric is broken down by it."""
        name = self.text(sheet, number, "area", raw)
        if name is None:
            return None
        area = "" if name == "" else self.areas.get(name.casefold())
        if area is None:
            sheet.error(number, "area", raw, f"is not an area of this contract; use one of: "
                        f"{_listed(self.catalogue.areas) or 'none (leave it empty)'}.")  # fmt: skip
        elif metric is not None and not metric.accepts_area(area):
            if metric.areas:
                sheet.error(number, "area", raw, f"{metric.code} is reported per area; write "
                            f"one of: {_listed(metric.areas)}.", quote=False)  # fmt: skip
            else:
                sheet.error(number, "area", raw, f"{metric.code} is not broken down by area; "
                            "leave the area empty.", quote=False)  # fmt: skip
            return None
        return area

    def _codes(self) -> str:
        return _listed(m.code for m in self.catalogue.metrics)


def _listed(names) -> str:
    names = list(names)
    shown = ", ".join(names[:LISTED])
    return shown + (", ..." if len(names) > LISTED else "")


def _example(catalogue: Catalogue, participant_level: bool) -> str:
    codes = [m.code for m in catalogue.metrics if m.participant_level == participant_level]
    return codes[0] if codes else "EMP6"


def check_values(sheet: Sheet, rows, lookups: Lookups) -> list[ValueRow]:
    """Check every row of the Values sheet; return the good ones."""
    accepted, seen = [], {}
    value_at = sheet.positions["value"]
    percent = sheet.facts.percent_cells
    for number, cells in data_rows(sheet, rows, lookups.limits):
        raw = dict(zip(sheet.positions, cells, strict=True))
        metric = lookups.metric(sheet, number, raw["metric"], participant_level=False)
        period = lookups.period(sheet, number, raw["period"])
        area = lookups.area(sheet, number, raw.get("area"), metric)
        value = _value(sheet, number, raw["value"], metric, (number, value_at) in percent)
        comment = _comment(sheet, number, raw.get("comment"), lookups.limits)
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
    if metric is None:
        return read.value
    reason = unit_problem(read, metric)
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
        return (
            f"is not a whole number, but {metric.code} is a count; write a whole number such as 12."
        )
    if unit in NON_NEGATIVE_UNITS and value < 0:
        return f"is negative, but {metric.code} ({unit}) cannot be below 0."
    if unit == "percent" and value > HUNDRED:
        return f"is over 100, but {metric.code} is a percentage; write a figure from 0 to 100."
    return ""


def check_participants(sheet: Sheet, rows, lookups: Lookups, key: bytes) -> list[ParticipantRow]:
    """Check and pseudonymise every participant row; return the good ones."""
    accepted = []
    first_row: dict[str, dict[str, int]] = {}
    dates: dict = {}
    for number, cells in data_rows(sheet, rows, lookups.limits):
        raw = dict(zip(sheet.positions, cells, strict=True))
        pseudonym = _pseudonym(sheet, number, raw["participant"], key, lookups.limits)
        metric = lookups.metric(sheet, number, raw["metric"], participant_level=True)
        period = lookups.period(sheet, number, raw["period"])
        area = lookups.area(sheet, number, raw.get("area"), metric)
        achieved_on = _achieved_on(sheet, number, raw["achieved_on"], period, dates)
        if None in (pseudonym, metric, period, area, achieved_on):
            continue
        seen = first_row.setdefault(metric.code if metric.once_only else
                                    f"{metric.code} {achieved_on}", {})  # fmt: skip
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
    if is_empty(raw):
        sheet.error(
            number, "participant", None, "the cell is empty; write the participant's identifier."
        )
        return None
    text = to_text(raw)
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
    if is_empty(raw):
        sheet.error(number, "achieved_on", raw, "the cell is empty; write the date the outcome was "
                    "achieved, such as 2027-03-01.")  # fmt: skip
        return None
    try:
        # Cached by cell value: a million rows share a few hundred dates, one object each.
        day = cache.get(raw)
        if day is None:
            day = cache[raw] = to_date(raw)
    except CellError as exc:
        sheet.error(number, "achieved_on", raw, f"{exc}; write the date as 2027-03-01.")
        return None
    if period is not None and not period.contains(day):
        sheet.error(number, "achieved_on", raw, f"{day.isoformat()} is outside period "
                    f"{period.label} ({period.starts_on.isoformat()} to "
                    f"{period.ends_on.isoformat()}); check the date or the period.",
                    quote=False)  # fmt: skip
        return None
    return day
