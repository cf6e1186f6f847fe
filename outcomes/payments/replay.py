"""The auditor's proof: re-run a stored run through the engine; check that its lines reconcile."""

import json
from decimal import Decimal

from contracts.engine.public import dumps_answer, minor_unit, quantum, settle
from outcomes.payments.models import PaymentRun

ZERO = Decimal(0)


def replay(run: PaymentRun) -> dict:
    """Settle the run's stored terms and input again; the digest and answer must match, and
    the stored lines, obligations and recipients must add up to the same money."""
    answer = settle(run.version.agreed, json.loads(run.input_document))
    totals = reconciliation(run)
    return {
        "run": run.id,
        "stored_digest": run.digest,
        "digest": answer.digest,
        "matches": answer.digest == run.digest,
        "answer_matches": dumps_answer(answer) == run.answer,
        "reconciliation": totals,
        "reconciles": totals["lines"] == totals["owed"] == totals["received"],
    }


def reconciliation(run: PaymentRun) -> dict:
    """The run's three sums: its lines, what its organisations owe, what recipients receive."""
    unit = quantum(minor_unit(run.contract.currency))
    received = sum((i.principal + i.return_amount + i.guarantee for i in run.investors), ZERO)
    totals = {
        "lines": sum((ln.amount for ln in run.lines), ZERO),
        "owed": sum((o.amount for o in run.payers), ZERO),
        "received": received + run.provider_amount,
    }
    return {key: value.quantize(unit) for key, value in totals.items()}
