"""Checking each row of the Values and Participants sheets against the contract (pure).

Every check runs on every row; problems are collected, never raised.
"""

from __future__ import annotations

from decimal import Decimal

from outcomes.workbook.catalogue import NON_NEGATIVE_UNITS, WHOLE_UNITS, Metric
from outcomes.workbook.cells import CellError, Number, is_empty, to_date, to_number, to_text
from outcomes.workbook.identity import HIDDEN, mask_text
from outcomes.workbook.limits import Limits
from outcomes.workbook.lookups import Lookups
from outcomes.workbook.participant_table import ParticipantTable
from outcomes.workbook.pseudonym import IdentifierError, pseudonym_for
from outcomes.workbook.repeats import RepeatFilter
from outcomes.workbook.results import ValueRow
from outcomes.workbook.sheet import Sheet, data_rows

HUNDRED = Decimal(100)
PLACEHOLDER = (
    "holds a masked placeholder from the errors copy (errors.xlsx), not a participant id; "
    "make your corrections in your own original file, where the real ids are, and upload "
    "that file, not the errors copy."
)


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
            sheet.error(
                number,
                "metric",
                None,
                f"{metric.code} for period {period.label}"
                f"{' in ' + area if area else ''} is already given on row {seen[key]}; "
                "keep one row per metric, period and area.",
            )
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
        sheet.error(
            number,
            "comment",
            raw,
            f"is {len(text)} characters long; keep comments "
            f"to {limits.max_comment_chars} characters.",
        )
        return None
    # A comment is shown to every party, investors included: no identity number in it.
    return mask_text(text)


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
        return (
            f"is not a whole number, but {metric.code} is a count; write a whole number such as 12."
        )
    if unit in NON_NEGATIVE_UNITS and value < 0:
        return f"is negative, but {metric.code} ({unit}) cannot be below 0."
    if unit == "percent" and value > HUNDRED:
        return f"is over 100, but {metric.code} is a percentage; write a figure from 0 to 100."
    return ""


def check_participants(sheet: Sheet, rows, lookups: Lookups, key: bytes) -> ParticipantTable:
    """Check and pseudonymise every participant row; return the good ones."""
    accepted = ParticipantTable()
    # Every row that passes its own checks is kept at first; repeats are removed after the pass.
    repeats = RepeatFilter(accepted)
    metrics: dict = {}
    dates: dict = {}
    limits = lookups.limits
    first_error = len(sheet.errors.items)
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
        metrics[metric.code] = metric
        index = len(accepted)
        accepted.append(number, pseudonym, metric.code, period.label, area, achieved_on)
        repeats.add(index, pseudonym, metric.code, metric.once_only, achieved_on.toordinal())
    _report_repeats(sheet, accepted, repeats.settle(), metrics)
    sheet.errors.sort_from(first_error)
    return accepted


def _report_repeats(sheet: Sheet, accepted: ParticipantTable, repeats: list, metrics) -> None:
    # Once-only outcomes: one row per participant. Repeatable ones: one per participant a day.
    # The later rows are reported and dropped, in row order, as if never accepted.
    for index, earlier in repeats:
        metric = metrics[accepted.metric(index)]
        sheet.error(
            accepted.source_row(index),
            "participant",
            None,
            _repeated(metric, accepted.source_row(earlier)),
        )
    accepted.drop({index for index, _ in repeats})


def _repeated(metric: Metric, earlier: int) -> str:
    if metric.once_only:
        return (
            f"this participant already achieved {metric.code} on row {earlier}; the "
            "outcome counts once per participant, so delete one of the rows."
        )
    return (
        f"this participant already has a row for {metric.code} on the same date (row "
        f"{earlier}); delete the duplicate row."
    )


def _pseudonym(sheet: Sheet, number: int, raw, key: bytes, limits: Limits) -> bytes | None:
    # The identifier is never passed on as the error's value: errors show the row, not the id.
    if raw is None or raw == "":
        sheet.error(
            number, "participant", None, "the cell is empty; write the participant's identifier."
        )
        return None
    text = raw.strip() if raw.__class__ is str else to_text(raw)
    if text.startswith(HIDDEN):
        sheet.error(number, "participant", None, PLACEHOLDER)
        return None
    if len(text) > limits.max_text_chars:
        sheet.error(
            number,
            "participant",
            None,
            f"is {len(text)} characters long; an identifier has at most {limits.max_text_chars}.",
        )
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
            sheet.error(
                number,
                "achieved_on",
                raw,
                "the cell is empty; write the date the outcome was achieved, such as 2027-03-01.",
            )
            return None
        try:
            day = cache[raw] = to_date(raw)
        except CellError as exc:
            sheet.error(number, "achieved_on", raw, f"{exc}; write the date as 2027-03-01.")
            return None
    if period is not None and not period.starts_on <= day <= period.ends_on:
        sheet.error(
            number,
            "achieved_on",
            raw,
            f"{day.isoformat()} is outside period "
            f"{period.label} ({period.starts_on.isoformat()} to "
            f"{period.ends_on.isoformat()}); check the date or the period.",
            quote=False,
        )
        return None
    return day
