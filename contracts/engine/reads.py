"""Which metrics a term reads in a period: its own, its gate's and its baseline's (pure)."""

from __future__ import annotations

from contracts.engine.model import Contract


def metrics_read_by(contract: Contract, label: str, *, aggregate_only: bool = False) -> list[str]:
    """Return the metrics the terms applying in a period read, in document order, each once.

    Args:
        contract: the contract.
        label: the period's label.
        aggregate_only: leave out participant-level metrics (they count 0 when absent).

    Returns:
        Metric codes: each term's own metric, its gate's metric and its baseline metric.
    """
    needed: list[str] = []
    for term in contract.terms:
        if not term.applies_in(label):
            continue
        gate_metric = term.gate.metric if term.gate is not None else None
        for code in (term.metric, gate_metric, term.measure.baseline_metric):
            if code is None or code in needed:
                continue
            metric = contract.metrics.get(code)
            if aggregate_only and metric is not None and metric.participant_level:
                continue
            needed.append(code)
    return needed
