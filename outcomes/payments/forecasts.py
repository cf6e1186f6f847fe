"""Forecasts: what a period whose payment date lies ahead would pay on the figures known now.

Stored apart from payment runs, never approved or settled, and never part of any position.
"""

from datetime import UTC, date, datetime

from sqlalchemy import select

from contracts.engine.public import dumps_answer
from contracts.models import Contract
from outcomes.payments.inputs import dumps_input, period_of
from outcomes.payments.models import Forecast
from outcomes.payments.service import settled_answer, settlement_inputs
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import NotFoundError


def forecast_period(
    contract: Contract, period_label: str, actor: Actor, *, today: date,
    now: datetime | None = None,
) -> tuple[Forecast, bool]:  # fmt: skip
    """Settle through a period on today's figures and keep it as a forecast (the same inputs on
    the same day: the same forecast). Returns the forecast and whether it is new."""
    version, values = settlement_inputs(contract, period_of(contract, period_label))
    answer = settled_answer(version, values)
    existing = db.session.scalar(
        select(Forecast).where(Forecast.contract_id == contract.id,
                               Forecast.digest == answer.digest, Forecast.made_on == today)
    )  # fmt: skip
    if existing is not None:
        return existing, False
    forecast = Forecast(
        contract_id=contract.id, period_label=period_label, version_id=version.id,
        input_document=dumps_input(values), digest=answer.digest, answer=dumps_answer(answer),
        made_on=today, created_by=actor.label, created_at=now or datetime.now(UTC),
    )  # fmt: skip
    db.session.add(forecast)
    db.session.flush()
    audit.record(
        "forecast.computed",
        actor=actor,
        entity_type="forecast",
        entity_id=forecast.id,
        contract_id=contract.id,
        after={"period": period_label, "digest": answer.digest, "made_on": today.isoformat()},
    )
    return forecast, True


def forecast_of(contract: Contract, forecast_id: int) -> Forecast:
    """A forecast of this contract by id, or 404."""
    forecast = db.session.get(Forecast, forecast_id)
    if forecast is None or forecast.contract_id != contract.id:
        raise NotFoundError(f"Contract {contract.reference} has no forecast {forecast_id}.")
    return forecast
