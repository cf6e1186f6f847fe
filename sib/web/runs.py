"""Payment-run pages: the list; one run with its lines and explanations; approve what my
organisation owes, record its payment, replay. Thin on purpose: they show what the payments
service returns (the API's own view of a run), tolerating keys that come and go."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.access import visible_contract
from outcomes.payments import service
from outcomes.payments.approvals import approve_run
from outcomes.payments.models import PaymentRun
from outcomes.payments.replay import replay as replay_run
from outcomes.payments.settlements import settle_run
from sib import policy
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import ServiceError
from sib.today import today
from sib.web.blueprints import pages_blueprint

blueprint = pages_blueprint("web_runs", __name__, url_prefix="/c")


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
                                             current_actor(), today=today())  # fmt: skip
    flash(_("Payment run %(id)s computed.", id=run.id) if created
          else _("The same figures gave run %(id)s before; here it is.", id=run.id))  # fmt: skip
    return redirect(url_for(".show", reference=reference, run_id=run.id), 303)


@blueprint.get("/<reference>/runs/<int:run_id>")
@guard("payment_run.read")
def show(reference, run_id):
    return _page(reference, run_id)


@blueprint.post("/<reference>/runs/<int:run_id>/approve")
@guard("payment_run.approve")
def approve(reference, run_id):
    run = service.run_of(visible_contract(reference), run_id)
    run = approve_run(run, _acting_for("payment_run.approve"), current_actor())
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
    run = settle_run(run, settled_on, payment_reference, current_actor(), today=today(),
                     organisation_id=_acting_for("payment_run.settle"))  # fmt: skip
    db.session.commit()
    flash(_("Your payment in run %(id)s is recorded.", id=run.id))
    return redirect(url_for(".show", reference=reference, run_id=run.id), 303)


@blueprint.post("/<reference>/runs/<int:run_id>/replay")
@guard("payment_run.replay")
def replay(reference, run_id):
    return _page(reference, run_id, replayed=True)


def _page(reference: str, run_id: int, replayed: bool = False):
    contract = visible_contract(reference)
    run = service.run_of(contract, run_id)
    view = run_view(run)
    mine = [p for p in view["payers"] if _organisation_id(p) == current_actor().organisation_id]
    return render_template("web/run.html", contract=contract, run=run, view=view, mine=mine,
                           replayed=replay_run(run) if replayed else None,
                           today=today())  # fmt: skip


def _acting_for(action: str) -> int | None:
    """The actor's own organisation; an admin records every organisation's payment at once."""
    actor = current_actor()
    if action == "payment_run.settle" and policy.ALL in policy.reaches(actor, action):
        return None
    return actor.organisation_id


def _organisation_id(payer: dict) -> int | None:
    organisation = payer.get("organisation")
    return getattr(organisation, "id", None)


def run_view(run: PaymentRun) -> dict:
    """The run as the API shows it (one shape for both), tolerant of keys still to come."""
    from outcomes.payments.api import run_view as api_view

    view = api_view(run)
    for key in ("lines", "payers", "investors", "settlements"):
        view.setdefault(key, [])
    return view
