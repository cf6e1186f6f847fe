"""An outcome payer's statement: owed per period and per year against its cap, and what may come."""

import json
from decimal import Decimal

from contracts.models import Contract, Organisation
from outcomes.statements.ledger import entries, periods_of
from sib.problems import NotFoundError

ZERO = Decimal(0)


def build_payer_statement(contract: Contract, payer: Organisation) -> dict:
    """The statement of one outcome payer on one contract (only its own amounts)."""
    terms = json.loads(contract.versions[-1].document)
    party = next((p for p in terms["parties"] if p["role"] == "outcome_payer"
                  and p["organisation"] == payer.slug), None)  # fmt: skip
    if party is None:
        raise NotFoundError(
            f"{payer.slug} is not an outcome payer on contract {contract.reference}."
        )
    cap = Decimal(party["yearly_cap"]) if "yearly_cap" in party else None
    periods = _periods(contract, payer.slug)
    return {
        "contract": contract.reference,
        "currency": contract.currency,
        "payer": payer.slug,
        "name": payer.name,
        "yearly_cap": cap,
        "periods": periods,
        "years": _years(terms, payer.slug, periods, cap),
        "approved": sum((p["approved"] for p in periods), ZERO),
        "settled": sum((p["settled"] for p in periods), ZERO),
        "pending": sum((p["pending"] for p in periods), ZERO),
    }


def _periods(contract: Contract, slug: str) -> list[dict]:
    rows = {
        p.label: {"period": p.label, "payment_on": p.payment_on, "year": p.payment_on.year,
                  "approved": ZERO, "settled": ZERO, "pending": ZERO, "runs": []}
        for p in periods_of(contract)
    }  # fmt: skip
    for entry in entries(contract, drafts=True):
        amount = entry.figures["payers"].get(slug, ZERO)
        row = rows.get(entry.period)
        if row is None:
            continue
        if entry.status == "draft":
            row["pending"] += amount
        else:
            row["approved"] += amount
            if entry.status == "settled":
                row["settled"] += amount
        row["runs"].append(entry.run_id)
    return list(rows.values())


def _years(terms: dict, slug: str, periods: list[dict], cap: Decimal | None) -> list[dict]:
    """Per calendar year of payment dates: approved and settled against the cap, and the most
    that periods not yet approved could still add (what a payer must budget for)."""
    years: dict[int, dict] = {}
    for row in periods:
        year = years.setdefault(row["year"], {"year": row["year"], "yearly_cap": cap,
                                              "approved": ZERO, "settled": ZERO,
                                              "pending": ZERO, "open_ceiling": ZERO})  # fmt: skip
        for key in ("approved", "settled", "pending"):
            year[key] += row[key]
        if row["approved"] == 0 and year["open_ceiling"] is not None:
            ceiling = period_ceiling(terms, slug, row["period"])
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


def period_ceiling(terms: dict, slug: str, label: str) -> Decimal | None:
    """The most the payer's shares of a period's terms can come to (None: no limit in the terms)."""
    total = ZERO
    for term in terms["terms"]:
        if "periods" in term and label not in term["periods"]:
            continue
        share = _share(terms, term, slug, label)
        if share == 0:
            continue
        ceiling = term_ceiling(term)
        if ceiling is None:
            return None
        total += share * ceiling
    return total


def _share(terms: dict, term: dict, slug: str, label: str) -> Decimal:
    shares = (term.get("payer_shares_by_period", {}).get(label) or term.get("payer_shares")
              or terms.get("payer_shares", {}))  # fmt: skip
    return Decimal(shares.get(slug, "0"))


def term_ceiling(term: dict) -> Decimal | None:
    """The most a term can pay in one period, from its own clauses and caps (None: unbounded)."""
    kind = term["kind"]
    if kind == "tiered":
        ceiling = max(Decimal(t["pay"]) for t in term["tiers"])
    elif kind == "linear":
        ceiling = max(Decimal(term["pay_at_target"]), Decimal(term.get("pay_at_floor", "0")))
    elif "price" in term and "max_units" in term:
        ceiling = Decimal(term["price"]) * Decimal(term["max_units"])
    else:
        ceiling = None
    caps = [Decimal(term[k]) for k in ("cap_per_period", "cap_total") if k in term]
    return _least(ceiling, min(caps) if caps else None)
