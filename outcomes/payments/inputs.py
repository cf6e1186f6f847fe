"""The engine's input for a run: verified figures in force and drawdowns, through one period."""

import json
from datetime import date

from sqlalchemy import select

from contracts.models import Contract, ContractVersion, Period
from contracts.service import version_in_force
from outcomes.payments.models import Drawdown
from outcomes.submissions.figures import engine_values
from sib.extensions import db
from sib.problems import ServiceError


def period_of(contract: Contract, label: str) -> Period:
    """The period with this label in the contract's latest version, or a 422 problem."""
    for period in contract.versions[-1].periods:
        if period.label == label:
            return period
    known = ", ".join(p.label for p in contract.versions[-1].periods)
    raise ServiceError(
        f"Contract {contract.reference} has no period {label!r}.",
        [("$.period", f"must be one of {known}")],
    )


def version_for(contract: Contract, period: Period) -> ContractVersion:
    """The terms that settle a period: the version in force on its payment date (the latest
    version when that one does not have the period, e.g. an amendment added it)."""
    version = version_in_force(contract, period.payment_on)
    if any(p.label == period.label for p in version.periods):
        return version
    return contract.versions[-1]


def engine_input(contract: Contract, terms: dict, period: Period) -> dict:
    """The input document settling every period through ``period`` (TERMS.md, Outcome values).

    Figures of later periods and drawdowns after the period's payment date are left out: they
    cannot change the answer, so they must not change the digest either.
    """
    labels = [p["label"] for p in terms["periods"]]
    kept = set(labels[: labels.index(period.label) + 1])
    figures = engine_values(contract)
    values = {label: row for label, row in figures["values"].items() if label in kept}
    participants = [row for row in figures["participants"] if row["period"] in kept]
    return {
        "values": values,
        "participants": participants,
        "drawdowns": drawdown_rows(contract, period.payment_on),
        "through": period.label,
    }


def drawdown_rows(contract: Contract, through: date | None = None) -> list[dict]:
    """The contract's drawdowns as engine input rows, oldest first."""
    query = select(Drawdown).where(Drawdown.contract_id == contract.id)
    if through is not None:
        query = query.where(Drawdown.drawn_on <= through)
    rows = db.session.scalars(query.order_by(Drawdown.drawn_on, Drawdown.id))
    return [
        {"investor": d.investor.slug, "on": d.drawn_on.isoformat(), "amount": format(d.amount, "f")}
        for d in rows
    ]


def dumps_input(values: dict) -> str:
    """The input document as stored: sorted keys, so equal inputs are equal text."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
