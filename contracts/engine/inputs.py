"""The engine's input (values, participant rows, drawdowns), validated all at once (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from contracts.engine.errors import InputError, Problem
from contracts.engine.model import Contract

_TOP_FIELDS = frozenset({"values", "participants", "drawdowns", "through"})
_ROW_FIELDS = frozenset({"participant", "metric", "period", "achieved_on"})
_DRAWDOWN_FIELDS = frozenset({"investor", "on", "amount"})


@dataclass(frozen=True)
class Row:
    """One participant reaching a participant-level outcome; ``index`` is its input position."""

    participant: str
    metric: str
    period: str
    achieved_on: dt.date
    index: int


@dataclass(frozen=True)
class Drawdown:
    """An investor's capital call."""

    investor: str
    on: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Outcomes:
    """The validated input: values per period and metric, rows, drawdowns, the last period."""

    values: Mapping[str, Mapping[str, Decimal]]
    rows: tuple[Row, ...]
    drawdowns: tuple[Drawdown, ...]
    through: str | None


class _Collector:
    """Gathers problems so the caller sees every one of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def decimal(self, text: object, path: str, what: str) -> Decimal | None:
        if not isinstance(text, str):
            self.add(path, f'The {what} must be a decimal written as a string, such as "12.5".')
            return None
        number = _plain_decimal(text)
        if number is None:
            self.add(path, f"The {what} {text!r} is not a decimal number.")
        return number

    def date(self, text: object, path: str, what: str) -> dt.date | None:
        try:
            if isinstance(text, str) and len(text) == 10:
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
        self.add(path, f"The {what} {text!r} is not a date written as YYYY-MM-DD.")
        return None

    def fields(self, item: object, allowed: frozenset[str], path: str, what: str) -> bool:
        if not isinstance(item, Mapping):
            self.add(path, f"Each {what} must be an object.")
            return False
        for key in item:
            if key not in allowed and not str(key).startswith("x_"):
                self.add(f"{path}.{key}", f"The field {key!r} is not part of the {what}.")
        return True


def _plain_decimal(text: str) -> Decimal | None:
    # A finite decimal written without surrounding blanks, else None.
    try:
        number = Decimal(text) if text.strip() == text else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def parse_outcomes(contract: Contract, doc: Mapping) -> Outcomes:
    """Validate and parse the engine's input against the contract.

    Args:
        contract: the parsed terms.
        doc: the input document (``values``, ``participants``, ``drawdowns``, ``through``).

    Returns:
        The validated Outcomes.

    Raises:
        InputError: listing every problem found, each with its JSON path.
    """
    found = _Collector()
    found.fields(doc, _TOP_FIELDS, "$", "input document")
    values = _values(contract, doc.get("values") or {}, found)
    rows = _rows(contract, doc.get("participants") or [], found)
    drawdowns = _drawdowns(contract, doc.get("drawdowns") or [], found)
    through = _through(contract, doc.get("through"), values, rows, found)
    if found.problems:
        raise InputError(found.problems)
    return Outcomes(values, tuple(rows), tuple(drawdowns), through)


def _values(contract: Contract, raw: object, found: _Collector) -> dict:
    if not isinstance(raw, Mapping):
        found.add("$.values", "The values must be an object of periods, each an object of metrics.")
        return {}
    labels = {p.label for p in contract.periods}
    aggregate = {code for code, m in contract.metrics.items() if not m.participant_level}
    out: dict[str, dict[str, Decimal]] = {}
    for label, by_metric in raw.items():
        path = f"$.values.{label}"
        if label not in labels:
            found.add(path, f"There is no period {label!r} in the contract.")
            continue
        if not isinstance(by_metric, Mapping):
            found.add(path, "The values of a period must be an object of metric codes.")
            continue
        out[label] = numbers = {}
        for code, text in by_metric.items():
            # The usual case inline (an aggregate metric's decimal string); `_value` does the rest.
            number = None
            if code in aggregate and isinstance(text, str):
                number = _plain_decimal(text)
            if number is None:
                number = _value(contract, code, text, path, found)
            if number is not None:
                numbers[code] = number
    return out


def _value(contract: Contract, code: str, text: object, period_path: str, found: _Collector):
    # `period_path` is the period's JSON path; the value's is only written for a problem.
    metric = contract.metrics.get(code)
    if metric is not None and not metric.participant_level and isinstance(text, str):
        number = _plain_decimal(text)
        if number is not None:
            return number  # the usual case
    path = f"{period_path}.{code}"
    if metric is None:
        found.add(path, f"There is no metric {code!r} in the contract.")
        return None
    if metric.participant_level:
        found.add(
            path,
            f"The metric {code!r} is counted from participant rows; "
            "it cannot be given as an aggregate value.",
        )
        return None
    return found.decimal(text, path, f"value of {code!r}")


def _rows(contract: Contract, raw: object, found: _Collector) -> list[Row]:
    if not isinstance(raw, list):
        found.add("$.participants", "The participants must be a list of rows.")
        return []
    periods = {p.label: p for p in contract.periods}
    rows = []
    for i, item in enumerate(raw):
        path = f"$.participants[{i}]"
        if not found.fields(item, _ROW_FIELDS, path, "participant row"):
            continue
        row = _row(contract, periods, item, path, i, found)
        if row is not None:
            rows.append(row)
    return rows


def _row(contract, periods, item: Mapping, path: str, i: int, found: _Collector) -> Row | None:
    who = item.get("participant")
    if not isinstance(who, str) or not who:
        found.add(f"{path}.participant", "Each row needs a participant pseudonym.")
    metric = contract.metrics.get(item.get("metric"))
    if metric is None or not metric.participant_level:
        found.add(
            f"{path}.metric",
            f"{item.get('metric')!r} is not a participant-level metric of the contract.",
        )
    period = periods.get(item.get("period"))
    if period is None:
        found.add(f"{path}.period", f"There is no period {item.get('period')!r} in the contract.")
    on = _achieved_on(item, period, path, found)
    if not who or not isinstance(who, str) or None in (metric, period, on):
        return None
    if not metric.participant_level:
        return None
    return Row(who, metric.code, period.label, on, i)


def _achieved_on(item: Mapping, period, path: str, found: _Collector) -> dt.date | None:
    on = found.date(item.get("achieved_on"), f"{path}.achieved_on", "achievement date")
    if on is not None and period is not None and not period.starts_on <= on <= period.ends_on:
        found.add(
            f"{path}.achieved_on",
            f"The outcome was achieved on {on}, outside period {period.label} "
            f"({period.starts_on} to {period.ends_on}).",
        )
        return None
    return on


def _drawdowns(contract: Contract, raw: object, found: _Collector) -> list[Drawdown]:
    if not isinstance(raw, list):
        found.add("$.drawdowns", "The drawdowns must be a list.")
        return []
    investors = {inv.org: inv for inv in contract.investors}
    parsed: list[tuple[int, Drawdown]] = []
    for i, item in enumerate(raw):
        path = f"$.drawdowns[{i}]"
        if not found.fields(item, _DRAWDOWN_FIELDS, path, "drawdown"):
            continue
        drawdown = _drawdown(contract, investors, item, path, found)
        if drawdown is not None:
            parsed.append((i, drawdown))
    _check_commitments(investors, parsed, found)
    return [d for _, d in parsed]


def _drawdown(contract, investors, item: Mapping, path: str, found: _Collector):
    who = item.get("investor")
    if who not in investors:
        found.add(f"{path}.investor", f"{who!r} is not an investor party of the contract.")
    on = found.date(item.get("on"), f"{path}.on", "drawdown date")
    amount = found.decimal(item.get("amount"), f"{path}.amount", "drawdown amount")
    if amount is not None and amount <= 0:
        found.add(f"{path}.amount", "A drawdown must be a positive amount.")
        amount = None
    elif amount is not None and amount != amount.quantize(Decimal(1).scaleb(-contract.exponent)):
        found.add(
            f"{path}.amount",
            f"A drawdown must be in whole minor units of {contract.currency} "
            f"({contract.exponent} decimals).",
        )
        amount = None
    if who not in investors or on is None or amount is None:
        return None
    return Drawdown(who, on, amount)


def _check_commitments(investors, parsed: list[tuple[int, Drawdown]], found: _Collector) -> None:
    # Drawn capital accumulates in date order (input order on the same day).
    drawn: dict[str, Decimal] = {}
    for i, d in sorted(parsed, key=lambda pair: (pair[1].on, pair[0])):
        drawn[d.investor] = drawn.get(d.investor, Decimal(0)) + d.amount
        commitment = investors[d.investor].commitment
        if drawn[d.investor] > commitment:
            found.add(
                f"$.drawdowns[{i}].amount",
                f"This drawdown brings {d.investor!r} to {drawn[d.investor]:f} drawn, "
                f"beyond its commitment of {commitment:f}.",
            )


def _through(contract, raw: object, values, rows, found: _Collector) -> str | None:
    labels = [p.label for p in contract.periods]
    if raw is not None:
        if raw not in labels:
            found.add("$.through", f"There is no period {raw!r} in the contract.")
            return None
        return raw
    used = {label for label, v in values.items() if v} | {r.period for r in rows}
    present = [label for label in labels if label in used]
    return present[-1] if present else None
