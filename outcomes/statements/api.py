"""The statements API: an investor's and a payer's statement, as JSON or as an Excel workbook."""

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from outcomes.statements.schemas import (
    InvestorQuerySchema,
    InvestorStatementSchema,
    PayerQuerySchema,
    PayerStatementSchema,
)
from outcomes.statements.served import investor_statement, payer_statement, statement_pair
from outcomes.statements.workbook import investor_workbook, payer_workbook
from sib.access import guard
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


def _wants_xlsx(suffix: bool) -> bool:
    return (
        suffix
        or request.accept_mimetypes.best_match(["application/json", XLSX_MIMETYPE]) == XLSX_MIMETYPE
    )


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _investor(slug: str, args: dict, suffix: bool):
    organisation, contract = statement_pair(args["contract"], slug)
    statement = investor_statement(contract, organisation, args.get("as_of"))
    if _wants_xlsx(suffix):
        name = f"statement-{contract.reference}-{slug}-{statement['as_of'].isoformat()}.xlsx"
        return _xlsx(investor_workbook(statement), name)
    return statement


def _payer(slug: str, args: dict, suffix: bool):
    organisation, contract = statement_pair(args["contract"], slug)
    statement = payer_statement(contract, organisation)
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
