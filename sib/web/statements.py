"""Statement pages: an investor's (capital, distributions, return, XIRR, cash flows) and a
payer's (per year against the cap). Thin: they show what outcomes.statements builds and
tolerate keys that come and go while its shape grows."""

from datetime import date
from decimal import Decimal

from flask import Response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from outcomes.statements.served import investor_statement, payer_statement, statement_pair
from outcomes.statements.workbook import investor_workbook, payer_workbook
from sib.access import guard
from sib.web import charts
from sib.web.blueprints import pages_blueprint
from sib.web.setup import money
from sib.xlsx import XLSX_MIMETYPE

blueprint = pages_blueprint("web_statements", __name__, url_prefix="/c")


@blueprint.get("/<reference>/investors/<slug>")
@guard("statement.investor.read")
def investor(reference, slug):
    statement, contract = _investor_statement(reference, slug)
    return render_template("web/investor.html", contract=contract, s=statement,
                           chart=_cash_flow_chart(statement, contract.currency))  # fmt: skip


@blueprint.get("/<reference>/investors/<slug>.xlsx")
@guard("statement.investor.read")
def investor_xlsx(reference, slug):
    statement, contract = _investor_statement(reference, slug)
    as_of = statement.get("as_of")
    return _xlsx(investor_workbook(statement), f"statement-{reference}-{slug}-{as_of}.xlsx")


@blueprint.get("/<reference>/payers/<slug>")
@guard("statement.payer.read")
def payer(reference, slug):
    statement, contract = _payer_statement(reference, slug)
    return render_template("web/payer.html", contract=contract, s=statement,
                           chart=_payer_chart(statement, contract.currency))  # fmt: skip


@blueprint.get("/<reference>/payers/<slug>.xlsx")
@guard("statement.payer.read")
def payer_xlsx(reference, slug):
    statement, _contract = _payer_statement(reference, slug)
    return _xlsx(payer_workbook(statement), f"statement-{reference}-{slug}.xlsx")


def _investor_statement(reference: str, slug: str):
    organisation, contract = statement_pair(reference, slug)
    asked = request.args.get("as_of")
    try:
        as_of = date.fromisoformat(asked) if asked else None
    except ValueError:
        raise BadRequest(_("The day must be written as YYYY-MM-DD, e.g. 2029-04-01.")) from None
    return investor_statement(contract, organisation, as_of), contract


def _payer_statement(reference: str, slug: str):
    organisation, contract = statement_pair(reference, slug)
    return payer_statement(contract, organisation), contract


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _cash_flow_chart(s: dict, currency: str) -> str:
    """Capital in (below zero) and money back (above) per date."""
    flows: dict[str, list[Decimal]] = {}
    for d in s.get("drawdowns", []):
        flows.setdefault(str(d.get("on")), [Decimal(0), Decimal(0)])[0] -= d.get("amount", 0)
    for d in s.get("distributions", []):
        back = sum((d.get(k) or Decimal(0) for k in ("principal", "return", "guarantee")),
                   Decimal(0))  # fmt: skip
        flows.setdefault(str(d.get("paid_on")), [Decimal(0), Decimal(0)])[1] += back
    days = sorted(flows)
    if not days:
        return ""
    chart = charts.Chart(
        _("Cash flows"), days,
        [charts.Series(_("Capital in"), [flows[d][0] or None for d in days]),
         charts.Series(_("Money back"), [flows[d][1] or None for d in days])],
        tick_format=lambda v: money(v.quantize(Decimal(1)), currency, whole=True),
    )  # fmt: skip
    return charts.svg(chart)


def _payer_chart(s: dict, currency: str) -> str:
    years = s.get("years", [])
    labels = [str(y.get("year")) for y in years]
    cap = s.get("yearly_cap")
    if not years:
        return ""
    chart = charts.Chart(
        _("Per year against the cap"), labels,
        [charts.Series(_("Approved"), [y.get("approved") for y in years]),
         charts.Series(_("Settled"), [y.get("settled") for y in years]),
         charts.Series(_("Most still possible"), [y.get("max_still_possible") for y in years])],
        [charts.Threshold(_("yearly cap"), cap)] if cap is not None else [],
        tick_format=lambda v: money(v.quantize(Decimal(1)), currency, whole=True),
    )  # fmt: skip
    return charts.svg(chart)
