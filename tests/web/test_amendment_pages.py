"""A proposed amendment on the pages: the start page asks the payer whose money it moves, the
page shows what would change, and the payer's answer is recorded."""

import json
from datetime import date
from pathlib import Path

from contracts import amendments
from contracts.models import AmendmentProposal
from sib.actor import Actor
from sib.extensions import db
from tests.web.conftest import REFERENCE

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"


def _propose_higher_cap(contract) -> int:
    terms = json.loads(DEMO.read_text(encoding="utf-8"))
    terms["parties"][0]["yearly_cap"] = "2500000"  # Botkyrka's cap, from 2 200 000
    proposal = amendments.propose_amendment(
        contract, terms, date(2027, 1, 1), "Raise Botkyrka's cap", Actor.system("test")
    )
    db.session.commit()
    return proposal.id


def test_the_payer_is_asked_sees_the_change_and_accepts(sign_in, demo):
    proposal_id = _propose_higher_cap(demo)
    officer = sign_in("finance", lang="en")
    assert f"Accept or reject amendment {proposal_id}" in officer.get("/").get_data(as_text=True)
    page = officer.get(f"/c/{REFERENCE}/amendments/{proposal_id}").get_data(as_text=True)
    assert "2200000" in page
    assert "2500000" in page
    answer = officer.post(f"/c/{REFERENCE}/amendments/{proposal_id}",
                          data={"decision": "accept", "comment": ""})  # fmt: skip
    assert answer.status_code == 303
    proposal = db.session.get(AmendmentProposal, proposal_id)
    db.session.refresh(proposal)
    assert {a.organisation.slug: a.answer for a in proposal.answers}["botkyrka"] == "accepted"


def test_a_rejection_needs_a_reason(sign_in, demo):
    proposal_id = _propose_higher_cap(demo)
    answer = sign_in("finance").post(f"/c/{REFERENCE}/amendments/{proposal_id}",
                                     data={"decision": "reject", "comment": " "})  # fmt: skip
    assert answer.status_code == 422


def test_an_investor_reads_but_may_not_answer(sign_in, demo):
    proposal_id = _propose_higher_cap(demo)
    investor = sign_in("investor")
    assert investor.get(f"/c/{REFERENCE}/amendments/{proposal_id}").status_code == 200
    refused = investor.post(f"/c/{REFERENCE}/amendments/{proposal_id}", data={"decision": "accept"})
    assert refused.status_code == 403
