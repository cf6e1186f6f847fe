"""Payment runs on the demo contract against hand-computed figures, incl. a binding yearly cap."""

from datetime import date
from decimal import Decimal

import pytest

from outcomes.payments.approvals import approve_run
from outcomes.payments.drawdowns import record_drawdown
from outcomes.payments.service import compute_run
from sib.extensions import db
from sib.problems import ServiceError
from tests.outcomes.payments.conftest import LATER, SYSTEM


def amounts(rows, attribute="amount") -> dict:
    return {row.organisation.slug: getattr(row, attribute) for row in rows}


def approve_all(run):
    for payer in run.payers:
        approve_run(run, payer.organisation_id, SYSTEM)
    db.session.commit()


def lines(run, *kinds) -> list[tuple]:
    return [(ln.kind, ln.organisation.slug if ln.organisation else ln.term_id, ln.amount)
            for ln in run.lines if ln.kind in kinds]  # fmt: skip


def test_the_2027_run_holds_back_what_exceeds_botkyrkas_yearly_cap(figures, drawn):
    run, created = compute_run(drawn, "2027", SYSTEM, today=LATER)
    db.session.commit()
    # jobs 10 x 150 000 = 1 500 000 (.45/.30/.25); safety 56 - 52 = 4 reaches the 2 000 000 tier
    # (.45/.30/.25); attendance 8 reaches its target 1 500 000 (.6/.4); training and health 0.
    terms = {line.term_id: line.amount for line in run.lines if line.kind == "payment"}
    assert created
    assert terms == {"jobs": Decimal("1500000"), "training": Decimal("0"),
                     "safety": Decimal("2000000"), "attendance": Decimal("1500000"),
                     "health": Decimal("0")}  # fmt: skip
    # botkyrka 675 000 + 900 000 + 900 000 = 2 475 000, capped at 2 200 000 (275 000 held back);
    # nacka 450 000 + 600 000 + 600 000; region 375 000 + 500 000.
    assert amounts(run.payers) == {"botkyrka": Decimal("2200000"), "nacka": Decimal("1650000"),
                                   "region": Decimal("875000")}  # fmt: skip
    # 4 725 000 all repays the senior tranche's principal first.
    assert amounts(run.investors, "principal") == {"malar_fund": Decimal("4725000"),
                                                   "sodertorn_impact": Decimal("0")}  # fmt: skip
    # The 275 000 held back is a line of its own, naming the clause, so the lines add up to
    # what the payers owe: 5 000 000 - 275 000 = 4 725 000.
    assert lines(run, "held_back") == [("held_back", "botkyrka", Decimal("-275000"))]
    assert "yearly_cap of 2200000 for 2028" in run.lines[-1].explanation
    assert sum(line.amount for line in run.lines) == Decimal("4725000")


def test_the_held_back_amount_is_carried_into_the_next_years_period(figures, drawn):
    approve_all(compute_run(drawn, "2027", SYSTEM, today=LATER)[0])
    run, _ = compute_run(drawn, "2028", SYSTEM, today=LATER)
    db.session.commit()
    # 2028: two new jobs, 300 000 (botkyrka 135 000, nacka 90 000, region 75 000); safety 1 and
    # attendance at its floor pay nothing. Botkyrka adds the 275 000 held in 2028: 410 000.
    assert amounts(run.payers) == {"botkyrka": Decimal("410000"), "nacka": Decimal("90000"),
                                   "region": Decimal("75000")}  # fmt: skip
    assert amounts(run.investors, "principal")["malar_fund"] == Decimal("575000")
    # Only the 2028 period is owed: 2027 was approved and did not change.
    assert {line.period_label for line in run.lines} == {"2028"}
    # The carried 275 000 has a line: 300 000 of terms + 275 000 carried = 575 000 owed.
    assert lines(run, "carried") == [("carried", "botkyrka", Decimal("275000"))]
    assert sum(line.amount for line in run.lines) == Decimal("575000")


def test_asking_again_with_the_same_inputs_returns_the_same_run(figures, drawn):
    first, created = compute_run(drawn, "2027", SYSTEM, today=LATER)
    db.session.commit()
    again, created_again = compute_run(drawn, "2027", SYSTEM, today=LATER)
    assert (created, created_again) == (True, False)
    assert again.id == first.id


def test_a_correction_to_an_approved_period_gives_adjustment_lines_not_a_rewrite(figures, drawn):
    approved = compute_run(drawn, "2027", SYSTEM, today=LATER)[0]
    approve_all(approved)
    figures["participants"] = figures["participants"] + [
        {"participant": "p-900", "metric": "EMP6", "period": "2027", "achieved_on": "2027-12-01"}
    ]
    run, created = compute_run(drawn, "2027", SYSTEM, today=LATER)
    db.session.commit()
    assert created
    assert run.id != approved.id
    # one more job: +150 000 on jobs; botkyrka's 67 500 share is held back by its cap (a line
    # of its own), so nacka owes +45 000 and region +37 500; senior principal +82 500.
    assert [(ln.kind, ln.term_id, ln.amount) for ln in run.lines] == [
        ("adjustment", "jobs", Decimal("150000")),
        ("held_back", "-", Decimal("-67500")),
    ]
    assert run.lines[1].explanation.startswith("adjustment: botkyrka: 67500.00 over its yearly_cap")
    assert sum(line.amount for line in run.lines) == Decimal("82500")
    assert amounts(run.payers) == {"botkyrka": Decimal("0"), "nacka": Decimal("45000"),
                                   "region": Decimal("37500")}  # fmt: skip
    db.session.refresh(approved)
    assert amounts(approved.payers)["nacka"] == Decimal("1650000")
    assert approved.status == "approved"


def test_a_drawdown_above_the_remaining_commitment_is_refused(drawn):
    with pytest.raises(ServiceError, match="0 SEK of its commitment left"):
        record_drawdown(drawn, "malar_fund", date(2027, 6, 1), Decimal("1"), SYSTEM)
