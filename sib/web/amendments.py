"""Proposed amendments: what would change in the terms, who must accept, and my answer."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from contracts import amendments
from contracts.access import visible_contract
from contracts.history import json_diff
from contracts.models import AmendmentProposal
from contracts.terms.load import stored_terms
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import ServiceError
from sib.web.blueprints import pages_blueprint

blueprint = pages_blueprint("web_amendments", __name__, url_prefix="/c")


@blueprint.get("/<reference>/amendments/<int:amendment_id>")
@guard("amendment.read")
def show(reference, amendment_id):
    contract = visible_contract(reference)
    proposal = amendments.proposal_of(contract, amendment_id)
    base = next(v for v in contract.versions if v.number == proposal.base_version)
    changes = json_diff(base.agreed.document, stored_terms(proposal.document).document)
    mine = next((a for a in proposal.answers
                 if a.organisation_id == current_actor().organisation_id), None)  # fmt: skip
    return render_template("web/amendment.html", contract=contract, proposal=proposal,
                           v={"changes": changes}, mine=mine,
                           lapsed=amendments.is_lapsed(proposal))  # fmt: skip


@blueprint.post("/<reference>/amendments/<int:amendment_id>")
@guard("amendment.answer")
def answer(reference, amendment_id):
    contract = visible_contract(reference)
    proposal = amendments.proposal_of(contract, amendment_id, for_update=True)
    accept = request.form.get("decision") == "accept"
    comment = request.form.get("comment", "").strip()
    if not accept and not comment:
        raise ServiceError(_("Say why your organisation rejects the amendment."))
    actor = current_actor()
    amendments.answer_amendment(proposal, actor.organisation_id, accept, comment, actor)
    db.session.commit()
    flash(_("Your organisation accepted the amendment.") if accept
          else _("Your organisation rejected the amendment."))  # fmt: skip
    return redirect(url_for(".show", reference=reference, amendment_id=amendment_id), 303)


def open_proposals(contract) -> list[AmendmentProposal]:
    """The contract's amendments still waiting for answers, oldest first."""
    proposals = db.session.scalars(select(AmendmentProposal).where(
        AmendmentProposal.contract_id == contract.id, AmendmentProposal.status == "proposed"
    ).order_by(AmendmentProposal.id)).all()  # fmt: skip
    return [p for p in proposals if not amendments.is_lapsed(p)]
