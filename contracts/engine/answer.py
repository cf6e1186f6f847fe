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


def _measure(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _period(period: PeriodAnswer, exponent: int) -> dict:
    def money(amount: Decimal) -> str:
        return format_amount(amount, exponent)

    out = {
        "period": period.label,
        "terms": [
            {
                "term": line.term,
                "measure": _measure(line.measure),
                "gate_measure": _measure(line.gate_measure),
                "amount": money(line.amount),
                "explanation": line.explanation,
            }
            for line in period.terms
        ],
        "amount": money(period.amount),
        "payers": {line.payer: money(line.owed) for line in period.payers},
        "held_back": {
            line.payer: money(line.held_back) for line in period.payers if line.held_back > 0
        },  # fmt: skip
        "investors": {
            share.investor: {"principal": money(share.principal), "return": money(share.return_)}
            for share in period.investors
        },
    }
    if period.provider > 0:
        out["provider"] = money(period.provider)
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
