"""The engine's answer as a JSON-ready dict: amounts as strings, explanations, totals (pure)."""

from __future__ import annotations

from decimal import Decimal

from contracts.engine.evaluate import TermRun
from contracts.engine.guarantees import GuaranteePayment
from contracts.engine.model import Contract
from contracts.engine.money import format_amount, format_decimal
from contracts.engine.period import PeriodResult

ZERO = Decimal(0)


def explanation(run: TermRun) -> str:
    """Return a term's explanation: its gate, the clause that fired and each cap that bound.

    Args:
        run: the settled term.

    Returns:
        One plain-language sentence, parts separated by semicolons.
    """
    parts = [run.gate_note, run.clause, *run.notes]
    if run.pays:
        parts += run.caps or ["no cap bound"]
    return "; ".join([p for p in parts if p])


def _measure(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def period_answer(contract: Contract, result: PeriodResult) -> dict:
    """Write one settled period as the answer's period object.

    Args:
        contract: the contract (its minor unit).
        result: the settled period.

    Returns:
        ``{period, terms, amount, payers, held_back, investors[, provider]}``.
    """
    money, exponent = _money(contract), contract.exponent
    out = {
        "period": result.period.label,
        "terms": [
            {
                "term": run.term.id,
                "measure": _measure(run.measure),
                "gate_measure": _measure(run.gate_measure),
                "amount": format_amount(run.amount, exponent),  # `money`, one call less a term
                "explanation": explanation(run),
            }
            for run in result.runs
        ],
        "amount": money(sum(result.payers.values(), ZERO)),
        "payers": {payer: money(v) for payer, v in result.payers.items()},
        "held_back": {payer: money(v) for payer, v in result.held_back.items()},
        "investors": {
            org: {"principal": money(principal), "return": money(ret)}
            for org, (principal, ret) in result.distribution.investors.items()
        },
    }
    if result.distribution.provider > 0:
        out["provider"] = money(result.distribution.provider)
    return out


def totals_answer(contract: Contract, results: list[PeriodResult], irrs: dict) -> dict:
    """Sum the answer's periods and attach each investor's IRR.

    Args:
        contract: the contract.
        results: the settled periods.
        irrs: ``{investor: Decimal or None}``.

    Returns:
        ``{amount, payers, investors: {org: {principal, return, irr}}[, provider]}``.
    """
    money = _money(contract)
    payers = {p: sum((r.payers[p] for r in results), ZERO) for p in contract.payers}
    investors = {}
    for inv in contract.investors:
        got = [r.distribution.investors[inv.org] for r in results]
        irr = irrs.get(inv.org)
        investors[inv.org] = {
            "principal": money(sum((g[0] for g in got), ZERO)),
            "return": money(sum((g[1] for g in got), ZERO)),
            "irr": None if irr is None else f"{irr:f}",
        }
    out = {
        "amount": money(sum(payers.values(), ZERO)),
        "payers": {k: money(v) for k, v in payers.items()},
        "investors": investors,
    }
    provider = sum((r.distribution.provider for r in results), ZERO)
    if provider > 0:
        out["provider"] = money(provider)
    return out


def guarantees_answer(contract: Contract, payments: list[GuaranteePayment]) -> list[dict]:
    """Write the guarantee payments as ``[{by, investor, amount}]``.

    Args:
        contract: the contract.
        payments: the settled guarantee payments.

    Returns:
        The list, in guarantee then investor order.
    """
    money = _money(contract)
    return [{"by": p.by, "investor": p.investor, "amount": money(p.amount)} for p in payments]


def _money(contract: Contract):
    def money(amount: Decimal) -> str:
        return format_amount(amount, contract.exponent)

    return money
