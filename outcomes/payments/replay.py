"""The auditor's proof: re-run a stored run's input through the engine and compare digests."""

import json

from contracts.engine.settle import dumps_answer, settle
from outcomes.payments.models import PaymentRun


def replay(run: PaymentRun) -> dict:
    """Settle the run's stored terms and input again; the digest and answer must match."""
    answer = settle(json.loads(run.version.document), json.loads(run.input_document))
    return {
        "run": run.id,
        "stored_digest": run.digest,
        "digest": answer["digest"],
        "matches": answer["digest"] == run.digest,
        "answer_matches": dumps_answer(answer) == run.answer,
    }
