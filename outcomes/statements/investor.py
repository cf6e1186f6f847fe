"""An investor's statement: capital in, distributions, what is still owed, and the cases ahead.

Every figure comes from the approved runs (the engine's typed answer, stored) and the engine's
public rules: money is dated at the engine's payment dates, as TERMS.md dates it; when runs
were settled on other days, the difference is shown apart (`settlement_timing`).
"""

from datetime import date
from decimal import Decimal

from contracts.engine.public import guarantee_shortfall, irr_of, return_allowed
from contracts.models import Contract, Organisation
from contracts.service import version_in_force
from outcomes.payments.drawdowns import drawn_by
from outcomes.statements.ledger import entries, final_period, payment_dates
from sib.problems import NotFoundError

ZERO = Decimal(0)


def build_investor_statement(contract: Contract, investor: Organisation, as_of: date) -> dict:
    """The statement of one investor on one contract as of a day (only its own figures)."""
    agreed = _agreed(contract, as_of)
    party = next((i for i in agreed.investors if i.org == investor.slug), None)
    if party is None:
        raise NotFoundError(f"{investor.slug} is not an investor on contract {contract.reference}.")
    drawn = drawn_by(contract, investor.id, as_of)
    rows = _distributions(contract, investor.slug, as_of)
    money_in = sum((amount for _, amount in drawn), ZERO)
    got = {k: sum((r[k] for r in rows), ZERO) for k in ("principal", "return", "guarantee")}
    final = _is_final(contract, rows)
    repaid = [(r["paid_on"], r["principal"] + r["guarantee"], r["return"]) for r in rows]
    allowed = return_allowed(agreed, investor.slug, drawn, repaid, as_of)
    flows = [(on, -amount) for on, amount in drawn]
    flows += [(r["paid_on"], r["principal"] + r["return"] + r["guarantee"]) for r in rows]
    back = got["principal"] + got["return"] + got["guarantee"]
    unpaid = money_in - got["principal"] - got["guarantee"]
    tranche = next(t for t in agreed.document["tranches"] if t["name"] == party.tranche)
    return {
        "contract": contract.reference, "currency": contract.currency,
        "investor": investor.slug, "name": investor.name, "as_of": as_of,
        "tranche": party.tranche, "return_cap": tranche["return_cap"],
        "commitment": party.commitment, "drawn": money_in, "undrawn": party.commitment - money_in,
        "drawdowns": [{"on": on, "amount": amount} for on, amount in drawn],
        "distributions": rows,
        "principal_received": got["principal"], "return_received": got["return"],
        "guarantee_received": got["guarantee"], "money_back": back,
        "outstanding_principal": ZERO if final else unpaid,
        "principal_not_repaid": unpaid if final else None,
        "final": final,
        "return_allowed_to_date": allowed,
        "return_accrued_unpaid": None if allowed is None else max(allowed - got["return"], ZERO),
        "xirr_to_date": irr_of(flows),
        "settlement_timing": _timing(drawn, rows, flows),
        "best_case": _case(flows, back, ZERO if final else _best_more(agreed, contract, investor,
                                                                     drawn, repaid, unpaid, got)),
        "worst_case": _case(flows, back, ZERO if final else guarantee_shortfall(
            agreed, investor.slug, money_in, got["principal"])),
    }  # fmt: skip


def _agreed(contract: Contract, as_of: date):
    try:
        return version_in_force(contract, as_of).agreed
    except NotFoundError:
        return contract.versions[0].agreed


def _distributions(contract: Contract, slug: str, as_of: date) -> list[dict]:
    """Per period: principal, return and guarantee approved for the investor, dated at the
    period's payment date, and what of it was settled and when."""
    by_period: dict[str, dict] = {}
    for entry in entries(contract, as_of):
        share = entry.figures["investors"].get(slug)
        if share is None:
            continue
        row = by_period.setdefault(entry.period, {
            "period": entry.period, "paid_on": entry.paid_on, "principal": ZERO,
            "return": ZERO, "guarantee": ZERO, "settled": ZERO, "settled_on": None,
            "runs": []})  # fmt: skip
        for key in ("principal", "return", "guarantee"):
            row[key] += share.get(key, ZERO)
        if entry.settled_on is not None:
            row["settled"] += share["principal"] + share["return"] + share.get("guarantee", ZERO)
            row["settled_on"] = max(filter(None, (row["settled_on"], entry.settled_on)))
        row["runs"].append(entry.run_id)
    order = list(payment_dates(contract))
    return sorted(by_period.values(), key=lambda r: order.index(r["period"]))


def _is_final(contract: Contract, rows: list[dict]) -> bool:
    """Whether the last period's money is settled: nothing more can come from outcomes."""
    last = final_period(contract)
    return any(r["period"] == last and r["settled_on"] is not None for r in rows)


def _best_more(agreed, contract, investor, drawn, repaid, unpaid, got) -> Decimal | None:
    """Every remaining cap reached: the rest of the principal and the return still allowed at
    the last payment date (None: uncapped)."""
    end = max(payment_dates(contract).values())
    allowed = return_allowed(agreed, investor.slug, drawn, repaid, end)
    if allowed is None:
        return None
    return unpaid + max(allowed - got["return"], ZERO)


def _case(flows, back: Decimal, more: Decimal | None) -> dict:
    if more is None:
        return {"money_back": None, "still_to_come": None, "xirr": None}
    end = max((on for on, _ in flows), default=None)
    with_more = flows + [(end, more)] if more and end else flows
    return {"money_back": back + more, "still_to_come": more, "xirr": irr_of(with_more)}


def _timing(drawn, rows: list[dict], flows) -> dict | None:
    """The XIRR on the days money was actually settled, beside the one on payment dates."""
    late = [r for r in rows if r["settled_on"] is not None and r["settled_on"] != r["paid_on"]]
    if not late:
        return None
    actual = [(on, -amount) for on, amount in drawn]
    actual += [(r["settled_on"] or r["paid_on"], r["principal"] + r["return"] + r["guarantee"])
               for r in rows]  # fmt: skip
    on_payment_dates, on_settlement = irr_of(flows), irr_of(actual)
    difference = (None if on_payment_dates is None or on_settlement is None
                  else on_settlement - on_payment_dates)  # fmt: skip
    return {
        "xirr_on_settlement_dates": on_settlement,
        "xirr_difference": difference,
        "periods": [{"period": r["period"], "paid_on": r["paid_on"],
                     "settled_on": r["settled_on"],
                     "days_late": (r["settled_on"] - r["paid_on"]).days} for r in late],
    }  # fmt: skip
