"""An outcome payer's statement: owed per period and per year against its cap, held back and
carried, approved against settled, its guarantees, and what may still come."""

from decimal import Decimal

from contracts.engine.public import period_ceiling
from contracts.models import Contract, Organisation
from outcomes.statements.ledger import entries, final_period, periods_of
from sib.problems import NotFoundError

ZERO = Decimal(0)
AMOUNTS = ("approved", "settled", "pending", "held_back", "carried", "guarantee_approved",
           "guarantee_settled")  # fmt: skip


def build_payer_statement(contract: Contract, payer: Organisation) -> dict:
    """The statement of one outcome payer (or guarantor) on one contract: its own amounts."""
    agreed = contract.versions[-1].agreed
    roles = agreed.roles_of(payer.slug)
    if "outcome_payer" not in roles and payer.slug not in agreed.guarantors():
        raise NotFoundError(
            f"{payer.slug} is not an outcome payer on contract {contract.reference}."
        )
    cap = agreed.yearly_caps.get(payer.slug)
    periods = _periods(contract, payer.slug)
    totals = {key: sum((p[key] for p in periods), ZERO) for key in AMOUNTS}
    still_held = totals["held_back"] - totals["carried"]
    final = any(p["period"] == final_period(contract) and p["approved_runs"] for p in periods)
    return {
        "contract": contract.reference,
        "currency": contract.currency,
        "payer": payer.slug,
        "name": payer.name,
        "yearly_cap": cap,
        "periods": periods,
        "years": _years(agreed, payer.slug, periods, cap),
        **totals,
        "held_back_outstanding": ZERO if final else still_held,
        "held_back_not_owed": still_held if final else ZERO,
    }


def _periods(contract: Contract, slug: str) -> list[dict]:
    rows = {
        p.label: {"period": p.label, "payment_on": p.payment_on, "year": p.payment_on.year,
                  **dict.fromkeys(AMOUNTS, ZERO), "runs": [], "approved_runs": []}
        for p in periods_of(contract)
    }  # fmt: skip
    for entry in entries(contract, drafts=True):
        row = rows.get(entry.period)
        if row is None:
            continue
        amount = entry.figures["payers"].get(slug, ZERO)
        guarantee = sum(entry.figures["guarantees"].get(slug, {}).values(), ZERO)
        if entry.status == "draft":
            row["pending"] += amount
        else:
            moves = entry.figures["moves"].get(slug, {})
            row["approved"] += amount
            row["held_back"] -= moves.get("held_back", ZERO)
            row["carried"] += moves.get("carried", ZERO)
            row["guarantee_approved"] += guarantee
            if entry.settled_for(slug) is not None:
                row["settled"] += amount
            if entry.settled_for(slug, "guarantee") is not None:
                row["guarantee_settled"] += guarantee
            row["approved_runs"].append(entry.run_id)
        row["runs"].append(entry.run_id)
    return list(rows.values())


def _years(agreed, slug: str, periods: list[dict], cap: Decimal | None) -> list[dict]:
    """Per calendar year of payment dates: approved and settled against the cap, and the most
    that periods not yet approved could still add (what a payer must budget for)."""
    years: dict[int, dict] = {}
    for row in periods:
        year = years.setdefault(row["year"], {"year": row["year"], "yearly_cap": cap,
                                              **dict.fromkeys(AMOUNTS, ZERO),
                                              "open_ceiling": ZERO})  # fmt: skip
        for key in AMOUNTS:
            year[key] += row[key]
        if not row["approved_runs"] and year["open_ceiling"] is not None:
            ceiling = period_ceiling(agreed, slug, row["period"])
            year["open_ceiling"] = None if ceiling is None else year["open_ceiling"] + ceiling
    for year in years.values():
        room = None if cap is None else max(cap - year["approved"], ZERO)
        ceiling = year.pop("open_ceiling")
        year["cap_remaining"] = room
        year["max_still_possible"] = _least(room, ceiling)
    return sorted(years.values(), key=lambda y: y["year"])


def _least(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None
