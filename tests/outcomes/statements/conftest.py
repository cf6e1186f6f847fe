"""Statements reuse the payment-run fixtures: the demo contract, figures in force, drawdowns."""

import pytest

from outcomes.payments.approvals import approve_run
from outcomes.payments.service import compute_run
from sib.extensions import db
from tests.outcomes.payments.conftest import LATER, SYSTEM, drawn, figures, people  # noqa: F401


@pytest.fixture
def approved_both(figures, drawn):  # noqa: F811 (the fixtures imported above)
    """Runs for 2027 and 2028 computed and approved by every payer (not yet settled)."""
    for label in ("2027", "2028"):
        run, _ = compute_run(drawn, label, SYSTEM, today=LATER)
        for payer in run.payers:
            approve_run(run, payer.organisation_id, SYSTEM)
        db.session.commit()
    return drawn
