"""Reading metric values and turning them into measures: value, change, relative change (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from contracts.engine.inputs import Outcomes
from contracts.engine.model import Contract, Measure
from contracts.engine.participants import counted_by_period, first_row_indexes


class Reading(NamedTuple):
    """A measure, or None with the reason it has no value (a tuple: one per term-period)."""

    value: Decimal | None
    missing: str = ""


def reaches(measure: Decimal, at: Decimal, higher_is_better: bool) -> bool:
    """Whether ``measure`` is at least as good as ``at``.

    Args:
        measure: the figure compared.
        at: the threshold.
        higher_is_better: the measure's orientation.

    Returns:
        ``measure >= at`` when higher is better, else ``measure <= at``.
    """
    return measure >= at if higher_is_better else measure <= at


class Readings:
    """Metric values of one settlement, read per period (alone or summed to date)."""

    def __init__(self, contract: Contract, outcomes: Outcomes) -> None:
        self.contract = contract
        self.outcomes = outcomes
        self.labels = [p.label for p in contract.periods]
        self.firsts = first_row_indexes(outcomes.rows)
        self._counted: dict[tuple[str, bool], dict] = {}
        # Read for every term in every period: looked up once here, not through the model.
        self._by_period = [outcomes.values.get(label, {}) for label in self.labels]
        self._per_participant = {c: m.participant_level for c, m in contract.metrics.items()}
        self._higher = {c: m.higher_is_better for c, m in contract.metrics.items()}

    def is_higher_better(self, metric: str, measure: Measure) -> bool:
        """Whether bigger is better for this measure of this metric (TERMS.md "Better")."""
        return measure.kind != "value" or self._higher[metric]

    def is_per_participant(self, metric: str) -> bool:
        """Whether the metric is counted from participant rows."""
        return self._per_participant[metric]

    def rows(self, metric: str, index: int, repeatable: bool, cumulative: bool) -> list:
        """Return the counted rows of a participant-level metric in a period (or to date).

        Args:
            metric: the participant-level metric code.
            index: the period's position.
            repeatable: count every row, not first rows only.
            cumulative: take the rows of every period to date, period by period.

        Returns:
            The rows, each period's by ``achieved_on`` then input order.
        """
        key = (metric, repeatable)
        if key not in self._counted:
            rows = self.outcomes.rows
            self._counted[key] = counted_by_period(rows, self.firsts, metric, repeatable)
        labels = self.labels[: index + 1] if cumulative else [self.labels[index]]
        return [row for label in labels for row in self._counted[key].get(label, [])]

    def value(self, metric: str, index: int, repeatable: bool = False) -> Decimal | None:
        """Return the metric's value in one period (a count of rows when participant-level)."""
        if self._per_participant[metric]:
            return Decimal(len(self.rows(metric, index, repeatable, cumulative=False)))
        return self._by_period[index].get(metric)

    def summed(self, metric: str, index: int, repeatable: bool = False) -> Decimal | None:
        """Return the metric's values summed to date, or None without a value in the period."""
        if self.value(metric, index, repeatable) is None:
            return None
        parts = (self.value(metric, i, repeatable) for i in range(index + 1))
        return sum((v for v in parts if v is not None), Decimal(0))

    def measure(
        self,
        metric: str,
        measure: Measure,
        index: int,
        cumulative: bool = False,
        repeatable: bool = False,
    ) -> Reading:
        """Return a measure of a metric in a period, or why it has none.

        Args:
            metric: the metric code.
            measure: value, change or relative_change with its baseline.
            index: the period's position.
            cumulative: sum the metric (and a baseline metric) over periods to date.
            repeatable: count every participant row, not first rows only.

        Returns:
            The Reading.
        """
        read = self.summed if cumulative else self.value
        if cumulative or self._per_participant[metric]:
            v = read(metric, index, repeatable)
        else:
            v = self._by_period[index].get(metric)  # `value` inline: asked for every term
        if v is None:
            return Reading(None, f"{metric} has no value in period {self.labels[index]}")
        if measure.kind == "value":
            return Reading(v)
        label = self.labels[index]
        b = measure.baseline
        if measure.baseline_metric is not None:
            b = read(measure.baseline_metric, index)
            if b is None:
                return Reading(None, f"baseline {measure.baseline_metric} has no value in {label}")
        change = v - b if self._higher[metric] else b - v
        if measure.kind == "change":
            return Reading(change)
        if b == 0:
            return Reading(None, "the baseline is 0, so there is no relative change")
        return Reading(100 * change / b)
