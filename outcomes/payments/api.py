"""The drawdowns and payment-runs API: record capital, compute, approve, settle and replay runs."""

import json
from decimal import Decimal

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from contracts.access import visible_contract
from contracts.engine.public import minor_unit, quantum
from contracts.models import Organisation
from outcomes.payments import drawdowns, forecasts, service
from outcomes.payments.approvals import approve_run
from outcomes.payments.models import PaymentRun
from outcomes.payments.replay import replay
from outcomes.payments.schemas import (
    ApprovalSchema,
    DrawdownInSchema,
    DrawdownSchema,
    ForecastSchema,
    ReplaySchema,
    ReversalSchema,
    RunListQuerySchema,
    RunRequestSchema,
    RunSchema,
    RunSummarySchema,
    SettlementSchema,
)
from outcomes.payments.settlements import active_settlement, reverse_settlement, settle_run
from sib import policy
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import NotFoundError, ServiceError
from sib.today import today

blp = Blueprint(
    "payments",
    __name__,
    url_prefix="/api/v1/contracts",
    description="Drawdowns and payment runs",
)


@blp.route("/<reference>/drawdowns")
class Drawdowns(MethodView):
    @guard("drawdown.read")
    @blp.response(200, DrawdownSchema(many=True))
    def get(self, reference):
        """List a contract's drawdowns (an investor sees only its own)."""
        contract = visible_contract(reference)
        actor = current_actor()
        own_only = not (policy.reaches(actor, "drawdown.read") - {policy.OWN})
        return drawdowns.drawdowns_of(contract, actor.organisation_id if own_only else None)

    @guard("drawdown.record")
    @blp.arguments(DrawdownInSchema)
    @blp.response(201, DrawdownSchema)
    def post(self, args, reference):
        """Record an investor's drawdown; more than its remaining commitment is refused."""
        contract = visible_contract(reference)
        drawdown = drawdowns.record_drawdown(
            contract, args["investor"], args["drawn_on"], args["amount"], current_actor()
        )
        db.session.commit()
        return drawdown


@blp.route("/<reference>/payment-runs")
class PaymentRuns(MethodView):
    @guard("payment_run.read")
    @blp.arguments(RunListQuerySchema, location="query")
    @blp.response(200, RunSummarySchema(many=True))
    @blp.paginate()
    def get(self, args, reference, pagination_parameters):
        """List a contract's payment runs, newest first."""
        contract = visible_contract(reference)
        query = select(PaymentRun).where(PaymentRun.contract_id == contract.id)
        if "period" in args:
            query = query.where(PaymentRun.period_label == args["period"])
        if "status" in args:
            query = query.where(PaymentRun.status == args["status"])
        pagination_parameters.item_count = db.session.scalar(
            query.with_only_columns(db.func.count()).order_by(None)
        )
        page = query.order_by(PaymentRun.id.desc()).limit(pagination_parameters.page_size)
        return db.session.scalars(page.offset(pagination_parameters.first_item)).all()

    @guard("payment_run.compute")
    @blp.arguments(RunRequestSchema)
    @blp.response(201, RunSchema)
    @blp.alt_response(200, schema=RunSchema, description="The same inputs were settled before")
    def post(self, args, reference):
        """Settle a contract through a period and store the run (the same inputs: the same run).

        A period whose payment date is after today is refused; ask for a forecast instead.
        """
        contract = visible_contract(reference)
        run, created = service.compute_committed(
            contract, args["period"], current_actor(), today=today()
        )
        location = url_for("payments.PaymentRunOne", reference=reference, run_id=run.id)
        return run_view(run), 201 if created else 200, {"Location": location}


@blp.route("/<reference>/forecasts")
class Forecasts(MethodView):
    @guard("payment_run.compute")
    @blp.arguments(RunRequestSchema)
    @blp.response(201, ForecastSchema)
    @blp.alt_response(200, schema=ForecastSchema, description="Made today on the same inputs")
    def post(self, args, reference):
        """Forecast a period on the figures known today; stored apart, never approved or paid."""
        contract = visible_contract(reference)
        forecast, created = forecasts.forecast_period(
            contract, args["period"], current_actor(), today=today()
        )
        db.session.commit()
        location = url_for("payments.ForecastOne", reference=reference, forecast_id=forecast.id)
        return forecast_view(forecast), 201 if created else 200, {"Location": location}


@blp.route("/<reference>/forecasts/<int:forecast_id>")
class ForecastOne(MethodView):
    @guard("payment_run.read")
    @blp.response(200, ForecastSchema)
    def get(self, reference, forecast_id):
        """Read one forecast."""
        return forecast_view(forecasts.forecast_of(visible_contract(reference), forecast_id))


def forecast_view(forecast) -> dict:
    """A forecast with its input and answer as JSON."""
    return {
        "id": forecast.id, "contract": forecast.contract, "period_label": forecast.period_label,
        "version": forecast.version, "digest": forecast.digest, "made_on": forecast.made_on,
        "created_by": forecast.created_by, "created_at": forecast.created_at,
        "input": json.loads(forecast.input_document), "answer": json.loads(forecast.answer),
    }  # fmt: skip


@blp.route("/<reference>/payment-runs/<int:run_id>")
class PaymentRunOne(MethodView):
    @guard("payment_run.read")
    @blp.response(200, RunSchema)
    def get(self, reference, run_id):
        """Read one payment run: its lines, payers, investors, input and answer."""
        return run_view(service.run_of(visible_contract(reference), run_id))


@blp.route("/<reference>/payment-runs/<int:run_id>/approve")
class Approve(MethodView):
    @guard("payment_run.approve")
    @blp.arguments(ApprovalSchema)
    @blp.response(200, RunSchema)
    def post(self, args, reference, run_id):
        """Approve what your organisation owes (its share, or its guarantee); the run is
        approved once every payer and guarantor has."""
        contract = visible_contract(reference)
        run = service.run_of(contract, run_id)
        payer = _payer_for(args.get("payer"), "payment_run.approve")
        run = approve_run(run, payer, current_actor())
        db.session.commit()
        return run_view(run)


def _payer_for(slug: str | None, action: str, *, optional: bool = False) -> int | None:
    """The organisation acting: the actor's own; only an admin may name another (or, where
    `optional`, name none to act for every organisation)."""
    actor = current_actor()
    admin = policy.ALL in policy.reaches(actor, action)
    if slug is None:
        if optional and admin:
            return None
        if actor.organisation_id is None:
            raise ServiceError("Name the organisation you act for.", [("$.payer", "required")])
        return actor.organisation_id
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFoundError(f"No organisation {slug}.")
    if organisation.id != actor.organisation_id and not admin:
        raise ServiceError("You act only for your own organisation.", status=403)
    return organisation.id


@blp.route("/<reference>/payment-runs/<int:run_id>/settle")
class Settle(MethodView):
    @guard("payment_run.settle")
    @blp.arguments(SettlementSchema)
    @blp.response(200, RunSchema)
    def post(self, args, reference, run_id):
        """Record that your organisation paid what it owes in an approved run (date and
        payment reference); the run is settled once every obligation is."""
        run = service.run_of(visible_contract(reference), run_id)
        payer = _payer_for(args.get("payer"), "payment_run.settle", optional=True)
        run = settle_run(run, args["settled_on"], args["reference"], current_actor(),
                         today=today(), organisation_id=payer)  # fmt: skip
        db.session.commit()
        return run_view(run)


@blp.route("/<reference>/payment-runs/<int:run_id>/settlements/<int:settlement_id>/reverse")
class Reverse(MethodView):
    @guard("payment_run.settle")
    @blp.arguments(ReversalSchema)
    @blp.response(200, RunSchema)
    def post(self, args, reference, run_id, settlement_id):
        """Reverse a wrong settlement entry with a correcting entry (both kept, audited)."""
        run = service.run_of(visible_contract(reference), run_id)
        actor = current_actor()
        admin = policy.ALL in policy.reaches(actor, "payment_run.settle")
        mine = None if admin else actor.organisation_id
        run = reverse_settlement(run, settlement_id, args["reason"], actor, organisation_id=mine)
        db.session.commit()
        return run_view(run)


@blp.route("/<reference>/payment-runs/<int:run_id>/replay")
class Replay(MethodView):
    @guard("payment_run.replay")
    @blp.response(200, ReplaySchema)
    def post(self, reference, run_id):
        """Re-run the stored terms and input through the engine: the digest must match."""
        return replay(service.run_of(visible_contract(reference), run_id))


def run_view(run: PaymentRun) -> dict:
    """A run with its amounts written in the currency's minor unit."""
    unit = quantum(minor_unit(run.contract.currency))

    def money(value: Decimal) -> Decimal:
        return value.quantize(unit)

    return {
        "id": run.id,
        "contract": run.contract,
        "period_label": run.period_label,
        "status": run.status,
        "version": run.version,
        "digest": run.digest,
        "created_by": run.created_by,
        "created_at": run.created_at,
        "approved_at": run.approved_at,
        "settled_on": run.settled_on,
        "settlement_reference": run.settlement_reference,
        "lines": [dict(_fields(ln, "period_label", "kind", "term_id", "measure", "explanation",
                               "organisation", "investor"),
                       amount=money(ln.amount)) for ln in run.lines],
        "payers": [dict(_fields(p, "organisation", "kind", "approved_by", "approved_at"),
                        amount=money(p.amount),
                        settled=p.amount == 0 or active_settlement(run, p) is not None)
                   for p in run.payers],
        "investors": [{"organisation": i.organisation, "principal": money(i.principal),
                       "return_amount": money(i.return_amount),
                       "guarantee": money(i.guarantee)} for i in run.investors],
        "provider": money(run.provider_amount),
        "settlements": [dict(_fields(e, "id", "obligation", "kind", "settled_on", "reference",
                                     "reverses_id", "created_by", "created_at"),
                             amount=money(e.amount)) for e in run.settlements],
        "input": json.loads(run.input_document),
        "answer": json.loads(run.answer),
    }  # fmt: skip


def _fields(row, *names: str) -> dict:
    return {name: getattr(row, name) for name in names}
