"""The auditor's page: a contract's history as a timeline with terms diffs, the chain's state,
and the exports."""

from flask import Response, render_template
from sqlalchemy import select

from contracts.access import visible_contract
from contracts.history import (
    events_query,
    full_history,
    history_json,
    history_workbook,
    version_history,
)
from sib import policy
from sib.access import current_actor, guard
from sib.audit import verify_chain
from sib.audit_api import event_view
from sib.auth.models import User
from sib.extensions import db
from sib.web.blueprints import pages_blueprint
from sib.xlsx import XLSX_MIMETYPE, workbook_bytes

blueprint = pages_blueprint("web_auditor", __name__, url_prefix="/c")


@blueprint.get("/<reference>/history")
@guard("contract.history")
def history(reference):
    contract = visible_contract(reference)
    events = [event_view(e, reference) for e in db.session.scalars(events_query(contract))]
    versions = {v["number"]: v for v in version_history(contract)}
    chain = verify_chain() if policy.may_attempt(current_actor(), "audit.verify") else None
    return render_template("web/history.html", contract=contract, events=events,
                           versions=versions, chain=chain, names=_names(events))  # fmt: skip


@blueprint.get("/<reference>/history/export.json")
@guard("contract.history")
def export_json(reference):
    contract = visible_contract(reference)
    return Response(history_json(full_history(contract)), mimetype="application/json",
                    headers=_attachment(f"history-{contract.reference}.json"))  # fmt: skip


@blueprint.get("/<reference>/history/export.xlsx")
@guard("contract.history")
def export_xlsx(reference):
    contract = visible_contract(reference)
    data = workbook_bytes(history_workbook(full_history(contract)))
    return Response(data, mimetype=XLSX_MIMETYPE,
                    headers=_attachment(f"history-{contract.reference}.xlsx"))  # fmt: skip


def _attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _names(events) -> dict[int, str]:
    ids = {e["actor_user_id"] for e in events if e.get("actor_user_id")}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return dict(rows)
