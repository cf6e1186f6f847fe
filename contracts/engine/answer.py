"""The answer document of TERMS.md, written from the typed answer: the only writer (pure)."""

from __future__ import annotations

import json
from decimal import Decimal

from contracts.engine.money import format_amount, format_decimal
from contracts.engine.results import Answer, PeriodAnswer

ZERO = Decimal(0)


def answer_document(answer: Answer) -> dict:
    """Write the typed answer as the JSON-ready answer document (TERMS.md "The engine's answer").

    Args:
        answer: what `settle` returned.

    Returns:
        ``{contract, currency, digest, periods, guarantees, totals}``, amounts as strings with
        exactly the currency's minor-unit decimals.
    """
    contract = answer.contract
    exponent = contract.exponent
    return {
        "contract": contract.reference,
        "currency": contract.currency,
        "digest": answer.digest,
        "periods": [_period(p, exponent) for p in answer.periods],
        "guarantees": [
            {"by": g.by, "investor": g.investor, "amount": format_amount(g.amount, exponent)}
            for g in answer.guarantees
        ],
        "totals": _totals(answer, exponent),
    }


def dumps_answer(answer: Answer) -> str:
    """Print an answer with sorted keys, so identical inputs give identical bytes.

    Args:
        answer: what `settle` returned.

    Returns:
        The JSON text, indented by two spaces, ending with a newline.
    """
    document = answer_document(answer)
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _period(period: PeriodAnswer, exponent: int) -> dict:
    # `format_amount` and `format_decimal` are called directly, with no helper in between:
    # this runs for every term line of every period, and an extra call per figure was a good
    # part of the time the answer took.
    out = {
        "period": period.label,
        "terms": [
            {
                "term": line.term,
                "measure": None if line.measure is None else format_decimal(line.measure),
                "gate_measure": (
                    None if line.gate_measure is None else format_decimal(line.gate_measure)
                ),
                "amount": format_amount(line.amount, exponent),
                "explanation": line.explanation,
            }
            for line in period.terms
        ],
        "amount": format_amount(period.amount, exponent),
        "payers": {line.payer: format_amount(line.owed, exponent) for line in period.payers},
        "held_back": {
            line.payer: format_amount(line.held_back, exponent)
            for line in period.payers
            if line.held_back > 0
        },
        "investors": {
            share.investor: {
                "principal": format_amount(share.principal, exponent),
                "return": format_amount(share.return_, exponent),
            }
            for share in period.investors
        },
    }
    if period.provider > 0:
        out["provider"] = format_amount(period.provider, exponent)
    return out


def _totals(answer: Answer, exponent: int) -> dict:
    def money(amount: Decimal) -> str:
        return format_amount(amount, exponent)

    payers = {p: answer.payer_total(p) for p in answer.contract.payers}
    out = {
        "amount": money(sum(payers.values(), ZERO)),
        "payers": {k: money(v) for k, v in payers.items()},
        "investors": {
            total.investor: {
                "principal": money(total.principal),
                "return": money(total.return_),
                "irr": None if total.irr is None else f"{total.irr:f}",
            }
            for total in answer.investors
        },
    }
    provider = answer.provider_total()
    if provider > 0:
        out["provider"] = money(provider)
    return out
