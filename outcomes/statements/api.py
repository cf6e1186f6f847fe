"""The statements API: an investor's and a payer's statement, as JSON or as an Excel workbook."""

from decimal import Decimal

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contracts.access import standing_of
from contracts.engine.public import minor_unit, quantum
from contracts.models import Contract, Organisation
from outcomes.statements.cache import remembered
from outcomes.statements.investor import build_investor_statement
from outcomes.statements.payer import build_payer_statement
from outcomes.statements.schemas import (
    InvestorQuerySchema,
    InvestorStatementSchema,
    PayerQuerySchema,
    PayerStatementSchema,
)
from outcomes.statements.workbook import investor_workbook, payer_workbook
from sib.access import current_action, current_actor, guard, require
from sib.extensions import db
from sib.problems import NotFoundError
from sib.today import today
from sib.xlsx import XLSX_MIMETYPE

blp = Blueprint("statements", __name__, url_prefix="/api/v1", description="Statements")
XLSX_CONTENT = {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}
XLSX_DOC = {
    "responses": {
        "200": {"description": "The statement as an Excel workbook", "content": XLSX_CONTENT}
    }
}


def json_or_xlsx_doc(schema) -> dict:
    """The statement as JSON, or as a workbook when the Accept header asks for one."""
    content = {"application/json": {"schema": schema}, **XLSX_CONTENT}
    return {"responses": {"200": {"description": "The statement", "content": content}}}


def _organisation_and_contract(slug: str, reference: str):
    """The statement's contract and organisation, 404 unless the actor may see that pair."""
    not_found = f"No statement for {slug} on {reference}."
    # One query: both must exist, and every statement reads the versions' terms.
    found = db.session.execute(
        select(Contract, Organisation)
        .join(Organisation, Organisation.slug == slug)
        .where(Contract.reference == reference)
        .options(joinedload(Contract.versions))
    ).unique().first()  # fmt: skip
    if found is None:
        raise NotFoundError(not_found)
    contract, organisation = found
    # One decision for both: an unseen contract and another organisation's record look alike.
    standing = standing_of(current_actor().organisation_id, contract)
    require(
        current_action("statement.investor.read"), standing, organisation.id, not_found=not_found
    )
    return organisation, contract


def _wants_xlsx(suffix: bool) -> bool:
    return (
        suffix
        or request.accept_mimetypes.best_match(["application/json", XLSX_MIMETYPE]) == XLSX_MIMETYPE
    )


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _in_minor_units(value, unit: Decimal):
    """Amounts written with the currency's decimals; rates (under `xirr`) left alone."""
    if isinstance(value, dict):
        return {k: v if "xirr" in k else _in_minor_units(v, unit) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_minor_units(v, unit) for v in value]
    return value.quantize(unit) if isinstance(value, Decimal) else value


def _investor(slug: str, args: dict, suffix: bool):
    organisation, contract = _organisation_and_contract(slug, args["contract"])
    as_of = args.get("as_of") or today()
    statement = remembered(
        ("investor", contract.id, organisation.id, as_of),
        lambda: _in_minor_units(
            build_investor_statement(contract, organisation, as_of),
            quantum(minor_unit(contract.currency)),
        ),
    )
    if _wants_xlsx(suffix):
        name = f"statement-{contract.reference}-{slug}-{as_of.isoformat()}.xlsx"
        return _xlsx(investor_workbook(statement), name)
    return statement


def _payer(slug: str, args: dict, suffix: bool):
    organisation, contract = _organisation_and_contract(slug, args["contract"])
    statement = remembered(
        ("payer", contract.id, organisation.id, today()),
        lambda: _in_minor_units(
            build_payer_statement(contract, organisation), quantum(minor_unit(contract.currency))
        ),
    )
    if _wants_xlsx(suffix):
        return _xlsx(payer_workbook(statement), f"statement-{contract.reference}-{slug}.xlsx")
    return statement


@blp.route("/investors/<slug>/statements")
class InvestorStatement(MethodView):
    @guard("statement.investor.read")
    @blp.arguments(InvestorQuerySchema, location="query")
    @blp.response(200, InvestorStatementSchema)
    @blp.doc(**json_or_xlsx_doc(InvestorStatementSchema))
    def get(self, args, slug):
        """An investor's statement on a contract (JSON, or Excel with that Accept header)."""
        return _investor(slug, args, suffix=False)


@blp.route("/investors/<slug>/statements.xlsx")
class InvestorStatementWorkbook(MethodView):
    @guard("statement.investor.read")
    @blp.arguments(InvestorQuerySchema, location="query")
    @blp.doc(**XLSX_DOC)
    def get(self, args, slug):
        """An investor's statement as an Excel workbook: summary, cash flows and a chart."""
        return _investor(slug, args, suffix=True)


@blp.route("/payers/<slug>/statements")
class PayerStatement(MethodView):
    @guard("statement.payer.read")
    @blp.arguments(PayerQuerySchema, location="query")
    @blp.response(200, PayerStatementSchema)
    @blp.doc(**json_or_xlsx_doc(PayerStatementSchema))
    def get(self, args, slug):
        """A payer's statement: owed per period and per year against its cap, and what may come."""
        return _payer(slug, args, suffix=False)


@blp.route("/payers/<slug>/statements.xlsx")
class PayerStatementWorkbook(MethodView):
    @guard("statement.payer.read")
    @blp.arguments(PayerQuerySchema, location="query")
    @blp.doc(**XLSX_DOC)
    def get(self, args, slug):
        """A payer's statement as an Excel workbook."""
        return _payer(slug, args, suffix=True)
