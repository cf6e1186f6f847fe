"""Payment-run pages: the list; one run with its lines and explanations; approve my share,
settle, replay. Thin on purpose: they show what the payments service returns, whatever its
keys (the run's shape is still growing: held-back, carried and guarantee lines)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.access import standing_of, visible_contract
from outcomes.payments import service
from outcomes.payments.models import PaymentRun
from outcomes.payments.replay import replay as replay_run
from sib import policy
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import ServiceError

blueprint = Blueprint("web_runs", __name__, url_prefix="/c")


@blueprint.get("/<reference>/runs")
@guard("payment_run.read")
def index(reference):
    contract = visible_contract(reference)
    runs = db.session.scalars(select(PaymentRun).where(PaymentRun.contract_id == contract.id)
                              .order_by(PaymentRun.id.desc())).all()  # fmt: skip
    periods = [p.label for p in contract.versions[-1].periods]
    return render_template("web/runs.html", contract=contract, runs=runs, periods=periods)


@blueprint.post("/<reference>/runs")
@guard("payment_run.compute")
def compute(reference):
    contract = visible_contract(reference)
    run, created = service.compute_committed(contract, request.form.get("period", ""),
                                             current_actor())  # fmt: skip
    flash(_("Payment run %(id)s computed.", id=run.id) if created
          else _("The same figures gave run %(id)s before; here it is.", id=run.id))  # fmt: skip
    return redirect(url_for(".show", reference=reference, run_id=run.id), 303)


@blueprint.get("/<reference>/runs/<int:run_id>")
@guard("payment_run.read")
def show(reference, run_id):
    contract = visible_contract(reference)
    run = service.run_of(contract, run_id)
    return render_template("web/run.html", contract=contract, run=run, view=run_view(run),
                           mine=_my_share(run), replayed=None, today=date.today())  # fmt: skip


@blueprint.post("/<reference>/runs/<int:run_id>/approve")
@guard("payment_run.approve")
def approve(reference, run_id):
    contract = visible_contract(reference)
    run = service.run_of(contract, run_id)
    actor = current_actor()
    organisation_id = request.form.get("payer", type=int) or actor.organisation_id
    if organisation_id != actor.organisation_id and policy.ALL not in policy.reaches(
        actor, "payment_run.approve"
    ):
        raise ServiceError(_("You approve only your own organisation's share."), status=403)
    service.approve_run(run, organisation_id, actor)
    db.session.commit()
    flash(_("Your share of run %(id)s is approved.", id=run.id))
    return redirect(url_for(".show", reference=reference, run_id=run.id), 303)


@blueprint.post("/<reference>/runs/<int:run_id>/settle")
@guard("payment_run.settle")
def settle(reference, run_id):
    run = service.run_of(visible_contract(reference), run_id)
    try:
        settled_on = date.fromisoformat(request.form.get("settled_on", ""))
    except ValueError:
        raise ServiceError(_("Give the payment date as YYYY-MM-DD.")) from None
    payment_reference = request.form.get("reference", "").strip()
    if not payment_reference:
        raise ServiceError(_("Give the payment's reference."))
    service.settle_run(run, settled_on, payment_reference, current_actor())
    db.session.commit()
    flash(_("Run %(id)s is recorded as paid.", id=run.id))
    return redirect(url_for(".show", reference=reference, run_id=run.id), 303)


@blueprint.post("/<reference>/runs/<int:run_id>/replay")
@guard("payment_run.replay")
def replay(reference, run_id):
    contract = visible_contract(reference)
    run = service.run_of(contract, run_id)
    return render_template("web/run.html", contract=contract, run=run, view=run_view(run),
                           mine=_my_share(run), replayed=replay_run(run),
                           today=date.today())  # fmt: skip


def run_view(run: PaymentRun) -> dict:
    """The run as the API shows it (one shape for both), tolerant of keys still to come."""
    from outcomes.payments.api import run_view as api_view

    view = api_view(run)
    view.setdefault("lines", [])
    view.setdefault("payers", [])
    view.setdefault("investors", [])
    return view


def _my_share(run: PaymentRun):
    actor = current_actor()
    if (
        policy.decide(
            actor, "payment_run.approve", standing_of(actor.organisation_id, run.contract)
        )
        != policy.ALLOW
    ):
        return None  # fmt: skip
    return next((p for p in run.payers if p.organisation_id == actor.organisation_id), None)
