"""The engine's entry point: settle a contract against outcome values (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from contracts.engine.digest import digest_of
from contracts.engine.guarantees import guarantee_date, settle_guarantees
from contracts.engine.inputs import Outcomes, parse_outcomes
from contracts.engine.irr import irr_of
from contracts.engine.ledger import open_ledger
from contracts.engine.model import Contract
from contracts.engine.period import settle_period
from contracts.engine.results import Answer, InvestorTotal

#: Working precision: well beyond the 28 significant digits the answer writes.
PRECISION = 60
ZERO = Decimal(0)


def settle(contract: Contract, values: Mapping) -> Answer:
    """Settle every period up to ``through`` and return the typed answer.

    Args:
        contract: the validated terms (`contracts.terms` returns it; `parse_contract` builds it
            from a document already known to be valid).
        values: the engine's input (``values``, ``participants``, ``drawdowns``, ``through``).

    Returns:
        The Answer; `answer_document` writes it as TERMS.md's answer document.

    Raises:
        InputError: when the input has problems; every problem is listed.
    """
    outcomes = parse_outcomes(contract, values)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.rounding = ROUND_HALF_EVEN
        return _run(contract, outcomes, digest_of(contract.document, values))


def _run(contract: Contract, outcomes: Outcomes, digest: str) -> Answer:
    # Periods in order, then guarantees, then each investor's IRR over its dated flows.
    labels = [p.label for p in contract.periods]
    through = None if outcomes.through is None else labels.index(outcomes.through)
    ledger = open_ledger(contract, outcomes)
    periods = tuple(settle_period(ledger, i) for i in range(0 if through is None else through + 1))
    on = guarantee_date(contract, through)
    payments = tuple(settle_guarantees(contract, ledger.positions, on)) if on else ()
    for payment in payments:
        ledger.flows[payment.investor].append((on, payment.amount))
    last = periods[-1].payment_on if periods else on
    investors = []
    for inv in contract.investors:
        flows = tuple(f for f in ledger.flows[inv.org] if last is not None and f[0] <= last)
        investors.append(
            InvestorTotal(
                investor=inv.org,
                principal=sum((s.principal for p in periods for s in p.investors
                               if s.investor == inv.org), ZERO),
                return_=sum((s.return_ for p in periods for s in p.investors
                             if s.investor == inv.org), ZERO),
                guarantee=sum((g.amount for g in payments if g.investor == inv.org), ZERO),
                irr=None if last is None else irr_of(list(flows)),
                flows=flows,
            )
        )  # fmt: skip
    held = tuple((payer, sum(book.held.values(), ZERO)) for payer, book in ledger.books.items())
    return Answer(contract, digest, periods, payments, tuple(investors), held)
