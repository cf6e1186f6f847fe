"""Statements as formatted Excel workbooks: summary, cash flows and, for investors, a chart."""

from decimal import Decimal

from openpyxl.chart import LineChart, Reference

from sib.xlsx import add_table_sheet, new_workbook, workbook_bytes

AMOUNT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"


def investor_workbook(statement: dict) -> bytes:
    """Summary, cash flows (cumulative capital in and money back) and a chart of the two."""
    book = new_workbook()
    summary = add_table_sheet(book, "Summary", ["Item", "Value"], _investor_summary(statement))
    _format_amounts(summary, 2)
    flows = add_table_sheet(
        book,
        "Cash flows",
        ["Date", "Kind", "Period", "Capital in", "Principal back", "Return back",
         "Guarantee", "Cumulative capital in", "Cumulative money back"],
        _cash_flows(statement),
    )  # fmt: skip
    for column in range(4, 10):
        _format_amounts(flows, column)
    if flows.max_row > 1:
        _chart(book.create_sheet("Chart"), flows)
    return workbook_bytes(book)


def _investor_summary(s: dict) -> list[tuple]:
    rows = [
        ("Contract", s["contract"]), ("Investor", s["name"]), ("As of", s["as_of"]),
        ("Currency", s["currency"]), ("Tranche", s["tranche"]),
        ("Return cap", f"{s['return_cap']['kind']} {s['return_cap'].get('rate', '')}".strip()),
        ("Commitment", s["commitment"]), ("Drawn", s["drawn"]), ("Undrawn", s["undrawn"]),
        ("Principal received", s["principal_received"]),
        ("Return received", s["return_received"]),
        ("Guarantee received", s["guarantee_received"]),
        ("Money back in all", s["money_back"]),
        ("Outstanding principal", s["outstanding_principal"]),
        ("Principal never repaid", s["principal_not_repaid"] or Decimal(0)),
        ("Return allowed to date", s["return_allowed_to_date"]),
        ("Return accrued, unpaid", s["return_accrued_unpaid"]),
        ("XIRR to date (payment dates)", s["xirr_to_date"]),
        ("XIRR on settlement dates",
         (s["settlement_timing"] or {}).get("xirr_on_settlement_dates", s["xirr_to_date"])),
        ("Best case: money back", s["best_case"]["money_back"]),
        ("Best case: XIRR", s["best_case"]["xirr"]),
        ("Worst case: money back", s["worst_case"]["money_back"]),
        ("Worst case: XIRR", s["worst_case"]["xirr"]),
    ]  # fmt: skip
    return [(label, "no limit" if value is None and "XIRR" not in label else value)
            for label, value in rows]  # fmt: skip


def _cash_flows(s: dict) -> list[tuple]:
    zero = Decimal(0)
    events = [(d["on"], "drawdown", "", d["amount"], zero, zero, zero) for d in s["drawdowns"]]
    events += [(p["paid_on"], "distribution", p["period"], zero, p["principal"], p["return"],
                p["guarantee"]) for p in s["distributions"]]  # fmt: skip
    rows, cash_in, back = [], zero, zero
    for on, kind, period, money_in, principal, ret, guarantee in sorted(
        events, key=lambda e: (e[0], e[1])
    ):
        cash_in, back = cash_in + money_in, back + principal + ret + guarantee
        rows.append((on, kind, period, money_in, principal, ret, guarantee, cash_in, back))
    return rows


def _chart(sheet, flows) -> None:
    chart = LineChart()
    chart.title = "Cumulative capital in and money back"
    chart.y_axis.title = "Amount"
    chart.x_axis.title = "Date"
    chart.x_axis.number_format = "yyyy-mm-dd"
    data = Reference(flows, min_col=8, max_col=9, min_row=1, max_row=flows.max_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(flows, min_col=1, min_row=2, max_row=flows.max_row))
    chart.width, chart.height = 24, 12
    sheet.add_chart(chart, "A1")


def payer_workbook(statement: dict) -> bytes:
    """Summary per calendar year against the cap, and the periods' amounts."""
    book = new_workbook()
    years = add_table_sheet(
        book,
        "Summary",
        ["Year", "Yearly cap", "Approved", "Settled", "Pending (draft)", "Held back",
         "Carried in", "Cap remaining", "Most still possible"],
        [(y["year"], _limit(y["yearly_cap"]), y["approved"], y["settled"], y["pending"],
          y["held_back"], y["carried"], _limit(y["cap_remaining"]),
          _limit(y["max_still_possible"]))
         for y in statement["years"]],
    )  # fmt: skip
    for column in range(2, 10):
        _format_amounts(years, column)
    periods = add_table_sheet(
        book,
        "Cash flows",
        ["Period", "Payment date", "Approved", "Settled", "Pending (draft)", "Held back",
         "Carried in", "Guarantee approved", "Guarantee settled"],
        [(p["period"], p["payment_on"], p["approved"], p["settled"], p["pending"],
          p["held_back"], p["carried"], p["guarantee_approved"], p["guarantee_settled"])
         for p in statement["periods"]],
    )  # fmt: skip
    for column in range(3, 10):
        _format_amounts(periods, column)
    return workbook_bytes(book)


def _limit(value):
    return "no limit" if value is None else value


def _format_amounts(sheet, column: int) -> None:
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        if isinstance(cell.value, Decimal):
            cell.number_format = (
                RATE_FORMAT if abs(cell.value) < 1 and _is_rate(sheet, cell) else AMOUNT_FORMAT
            )


def _is_rate(sheet, cell) -> bool:
    label = sheet.cell(row=cell.row, column=1).value
    return isinstance(label, str) and "XIRR" in label
