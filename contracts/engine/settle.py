"""The engine's entry point: settle a terms document against outcome values (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, localcontext

from contracts.engine.answer import guarantees_answer, period_answer, totals_answer
from contracts.engine.digest import digest_of
from contracts.engine.guarantees import guarantee_date, settle_guarantees
from contracts.engine.inputs import Outcomes, parse_outcomes
from contracts.engine.irr import irr_of
from contracts.engine.ledger import open_ledger
from contracts.engine.model import Contract, parse_contract
from contracts.engine.period import settle_period

#: Working precision: well beyond the 28 significant digits the answer writes.
PRECISION = 60


def settle(terms: Mapping, values: Mapping) -> dict:
    """Settle every period up to ``through`` and return the answer document.

    Args:
        terms: the terms document (``sib-terms/1``) as parsed from JSON, already validated.
        values: the engine's input (``values``, ``participants``, ``drawdowns``, ``through``).

    Returns:
        The answer as a JSON-ready dict (TERMS.md "The engine's answer").

    Raises:
        InputError: when the input has problems; every problem is listed.
    """
    contract = parse_contract(terms)
    outcomes = parse_outcomes(contract, values)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.rounding = ROUND_HALF_EVEN
        results, payments, irrs = _run(contract, outcomes)
        return {
            "contract": contract.reference,
            "currency": contract.currency,
            "digest": digest_of(terms, values),
            "periods": [period_answer(contract, r) for r in results],
            "guarantees": guarantees_answer(contract, payments),
            "totals": totals_answer(contract, results, irrs),
        }


def _run(contract: Contract, outcomes: Outcomes):
    # Periods in order, then guarantees, then each investor's IRR over its dated flows.
    labels = [p.label for p in contract.periods]
    through = None if outcomes.through is None else labels.index(outcomes.through)
    ledger = open_ledger(contract, outcomes)
    results = [settle_period(ledger, i) for i in range(0 if through is None else through + 1)]
    on = guarantee_date(contract, through)
    payments = [] if on is None else settle_guarantees(contract, ledger.positions, on)
    for payment in payments:
        ledger.flows[payment.investor].append((on, payment.amount))
    last = results[-1].period.payment_on if results else on
    irrs = {org: _irr(flows, last) for org, flows in ledger.flows.items()}
    return results, payments, irrs


def _irr(flows, last):
    # Only flows dated on or before the answer's last payment date count.
    return None if last is None else irr_of([f for f in flows if f[0] <= last])


def dumps_answer(answer: dict) -> str:
    """Print an answer with sorted keys, so identical inputs give identical bytes.

    Args:
        answer: the dict `settle` returned.

    Returns:
        The JSON text, indented by two spaces, ending with a newline.
    """
    return json.dumps(answer, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
