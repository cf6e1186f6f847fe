"""An investor's statement: capital in, money back, what is still owed, and the cases ahead."""

import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pyxirr

from contracts.engine.inputs import Drawdown as EngineDrawdown
from contracts.engine.interest import Position, accrued_interest
from contracts.engine.irr import irr_of
from contracts.engine.model import Investor
from contracts.engine.money import minor_unit, round_minor
from contracts.models import Contract, Organisation
from contracts.service import version_in_force
from outcomes.payments.drawdowns import drawn_by
from outcomes.statements.ledger import entries, payment_dates
from sib.problems import NotFoundError

ZERO = Decimal(0)
FOUR_PLACES = Decimal("0.0001")


def build_investor_statement(contract: Contract, investor: Organisation, as_of: date) -> dict:
    """The statement of one investor on one contract as of a day (only its own figures)."""
    terms = _terms(contract, as_of)
    party = _party(terms, investor.slug, contract)
    cap = next(t["return_cap"] for t in terms["tranches"] if t["name"] == party["tranche"])
    exponent = minor_unit(contract.currency)
    drawn = drawn_by(contract, investor.id, as_of)
    periods = _distributions(contract, investor.slug, as_of)
    money_in = sum((amount for _, amount in drawn), ZERO)
    principal_back = sum((p["principal"] for p in periods), ZERO)
    return_back = sum((p["return"] for p in periods), ZERO)
    position = _position(investor.slug, party, drawn, periods)
    allowed = _return_allowed(cap, position, as_of, money_in, exponent, terms)
    flows = [(on, -amount) for on, amount in drawn]
    flows += [(p["paid_on"], p["principal"] + p["return"]) for p in periods]
    end = max(payment_dates(contract).values())
    best_more = _best_case_more(cap, position, end, money_in, principal_back, return_back,
                                exponent, terms)  # fmt: skip
    worst_more = _guaranteed(terms, contract, party, money_in, principal_back)
    return {
        "contract": contract.reference,
        "currency": contract.currency,
        "investor": investor.slug,
        "name": investor.name,
        "as_of": as_of,
        "tranche": party["tranche"],
        "return_cap": cap,
        "commitment": Decimal(party["commitment"]),
        "drawn": money_in,
        "undrawn": Decimal(party["commitment"]) - money_in,
        "drawdowns": [{"on": on, "amount": amount} for on, amount in drawn],
        "distributions": periods,
        "principal_received": principal_back,
        "return_received": return_back,
        "outstanding_principal": money_in - principal_back,
        "return_allowed_to_date": allowed,
        "return_accrued_unpaid": None if allowed is None else max(allowed - return_back, ZERO),
        "xirr_to_date": xirr_of(flows),
        "best_case": _case(flows, end, best_more, principal_back + return_back),
        "worst_case": _case(flows, end, worst_more, principal_back + return_back),
    }


def _terms(contract: Contract, as_of: date) -> dict:
    try:
        return json.loads(version_in_force(contract, as_of).document)
    except NotFoundError:
        return json.loads(contract.versions[0].document)


def _party(terms: dict, slug: str, contract: Contract) -> dict:
    for party in terms["parties"]:
        if party["role"] == "investor" and party["organisation"] == slug:
            return party
    raise NotFoundError(f"{slug} is not an investor on contract {contract.reference}.")


def _distributions(contract: Contract, slug: str, as_of: date) -> list[dict]:
    """Per period: the principal and return approved for the investor, and how much is settled."""
    by_period: dict[str, dict] = {}
    for entry in entries(contract, as_of):
        share = entry.figures["investors"].get(slug)
        if share is None:
            continue
        row = by_period.setdefault(entry.period, {
            "period": entry.period, "paid_on": entry.paid_on, "principal": ZERO,
            "return": ZERO, "settled": ZERO, "runs": []})  # fmt: skip
        row["principal"] += share["principal"]
        row["return"] += share["return"]
        row["paid_on"] = max(row["paid_on"], entry.paid_on)
        if entry.status == "settled":
            row["settled"] += share["principal"] + share["return"]
        row["runs"].append(entry.run_id)
    order = list(payment_dates(contract))
    return sorted(by_period.values(), key=lambda r: order.index(r["period"]))


def _position(slug: str, party: dict, drawn, periods) -> Position:
    investor = Investor(slug, Decimal(party["commitment"]), party["tranche"])
    position = Position(investor, [EngineDrawdown(slug, on, amount) for on, amount in drawn])
    for row in periods:
        position.receive(row["paid_on"], row["principal"], row["return"])
    return position


def _return_allowed(
    cap: dict, position: Position, on: date, drawn, exponent, terms
) -> Decimal | None:
    """The most return the tranche's cap allows up to a day (None: uncapped)."""
    mode = terms.get("rounding", "half_up")
    if cap["kind"] == "uncapped":
        return None
    if cap["kind"] == "annual_rate":
        return round_minor(accrued_interest(Decimal(cap["rate"]), position, on), exponent, mode)
    if cap["kind"] == "total":
        return round_minor(Decimal(cap["rate"]) * drawn, exponent, mode)
    return ZERO


def _best_case_more(cap, position, end, drawn, principal_back, return_back, exponent, terms):
    """Every remaining cap reached: the rest of the principal and all the return still allowed."""
    allowed = _return_allowed(cap, position, end, drawn, exponent, terms)
    if allowed is None:
        return None
    return (drawn - principal_back) + max(allowed - return_back, ZERO)


def _guaranteed(terms: dict, contract: Contract, party: dict, drawn, principal_back) -> Decimal:
    """Nothing more paid from outcomes: only guarantees covering the investor still pay.

    Each guarantee pays `share_of_principal` x principal drawn less the principal received.
    Its cap is shared by every investor it covers; the others' figures are not this investor's
    to see, so the cap is applied as if it were the only one short (an upper bound then).
    """
    exponent = minor_unit(contract.currency)
    mode = terms.get("rounding", "half_up")
    received, total = principal_back, ZERO
    for guarantee in terms.get("guarantees", []):
        if guarantee.get("tranche") not in (None, party["tranche"]):
            continue
        due = round_minor(Decimal(guarantee["share_of_principal"]) * drawn, exponent, mode)
        shortfall = max(due - received, ZERO)
        if "cap" in guarantee:
            shortfall = min(shortfall, Decimal(guarantee["cap"]))
        # Later guarantees count earlier guarantee payments as principal received (TERMS.md).
        received += shortfall
        total += shortfall
    return total


def _case(flows, end: date, more: Decimal | None, back: Decimal) -> dict:
    if more is None:
        return {"money_back": None, "still_to_come": None, "xirr": None}
    return {
        "money_back": back + more,
        "still_to_come": more,
        "xirr": xirr_of(flows + [(end, more)]) if more else xirr_of(flows),
    }


def xirr_of(flows: list[tuple[date, Decimal]]) -> Decimal | None:
    """The XIRR of dated flows (pyxirr), 4 decimals; None when no rate exists.

    pyxirr's solver is tried first (it is fast); when it finds nothing, the engine's search
    for the root closest to 0 decides, as in the engine's answer.
    """
    merged: dict[date, Decimal] = {}
    for on, amount in flows:
        merged[on] = merged.get(on, ZERO) + amount
    if not any(a > 0 for a in merged.values()) or not any(a < 0 for a in merged.values()):
        return None
    try:
        rate = pyxirr.xirr(list(merged), list(merged.values()))
    except (pyxirr.InvalidPaymentsError, ValueError):
        rate = None
    if rate is None or rate != rate:  # no root, or NaN
        return irr_of(flows)
    return Decimal(str(rate)).quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN) + ZERO
