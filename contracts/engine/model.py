"""The parsed terms document as frozen dataclasses: what the pure engine executes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.engine.money import D, minor_unit


@dataclass(frozen=True)
class Metric:
    """What is measured, and which way is better."""

    code: str
    unit: str
    higher_is_better: bool
    participant_level: bool
    name: str = ""


@dataclass(frozen=True)
class Party:
    """An organisation's role on the contract, as listed in ``parties`` (its order counts)."""

    organisation: str
    role: str
    commitment: Decimal | None = None
    tranche: str | None = None
    yearly_cap: Decimal | None = None


@dataclass(frozen=True)
class Period:
    """A measurement period or cohort; its money is dated at ``payment_on``."""

    label: str
    starts_on: dt.date
    ends_on: dt.date
    payment_on: dt.date


@dataclass(frozen=True)
class Measure:
    """How a term reads a metric: ``value``, ``change`` or ``relative_change``."""

    kind: str = "value"
    baseline: Decimal | None = None  # a numeric baseline
    baseline_metric: str | None = None  # or another metric's value in the same period


@dataclass(frozen=True)
class Gate:
    """The condition a term's period must meet before it pays anything."""

    at: Decimal
    metric: str | None
    measure: Measure


@dataclass(frozen=True)
class Step:
    """One ``price_steps`` entry: ``price`` until ``until`` (an amount, or investors repaid)."""

    price: Decimal
    until: Decimal | None = None
    until_repaid: bool = False


@dataclass(frozen=True)
class Term:
    """One payment term, with its kind's fields (absent ones are None or empty)."""

    id: str
    index: int
    metric: str
    kind: str
    measure: Measure
    gate: Gate | None
    periods: frozenset[str] | None
    cumulative: bool
    group: str
    cap_per_period: Decimal | None
    cap_total: Decimal | None
    payer_shares: tuple[tuple[str, Decimal], ...] | None
    payer_shares_by_period: Mapping[str, tuple[tuple[str, Decimal], ...]]
    repeatable: bool
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()
    floor: Decimal | None = None
    target: Decimal | None = None
    pay_at_floor: Decimal = D(0)
    pay_at_target: Decimal | None = None
    clamp: bool = False
    price: Decimal | None = None
    brackets: tuple[tuple[Decimal | None, Decimal], ...] = ()
    price_steps: tuple[Step, ...] = ()
    max_units: Decimal | None = None

    def applies_in(self, label: str) -> bool:
        """Whether the term applies in the period labelled ``label``."""
        return self.periods is None or label in self.periods


@dataclass(frozen=True)
class Investor:
    """An investor party: its commitment and tranche."""

    org: str
    commitment: Decimal
    tranche: str


@dataclass(frozen=True)
class Tranche:
    """An investor tranche and its return cap: none, annual_rate, total or uncapped."""

    name: str
    cap_kind: str
    rate: Decimal | None


@dataclass(frozen=True)
class Guarantee:
    """A minimum repayment of principal to investors, paid by ``by``."""

    by: str
    share_of_principal: Decimal
    cap: Decimal | None
    tranche: str | None


@dataclass(frozen=True, eq=False)
class Contract:
    """The whole terms document, parsed; ``document`` keeps the JSON as agreed, for the digest."""

    reference: str
    currency: str
    exponent: int
    rounding: str
    terminated_on: dt.date | None
    metrics: Mapping[str, Metric]
    periods: tuple[Period, ...]
    terms: tuple[Term, ...]
    payers: tuple[str, ...]
    yearly_caps: Mapping[str, Decimal]
    investors: tuple[Investor, ...]
    tranches: tuple[Tranche, ...]
    payer_shares: tuple[tuple[str, Decimal], ...]
    outcome_total: Decimal | None
    per_participant: Decimal | None
    guarantees: tuple[Guarantee, ...]
    surplus: str
    parties: tuple[Party, ...] = ()
    document: Mapping = field(default_factory=dict, repr=False)

    def roles_of(self, organisation: str) -> frozenset[str]:
        """The roles an organisation holds on the contract (empty when it is no party)."""
        return frozenset(p.role for p in self.parties if p.organisation == organisation)

    def guarantors(self) -> tuple[str, ...]:
        """The organisations that pay a guarantee, in ``guarantees`` order, each once."""
        return tuple(dict.fromkeys(g.by for g in self.guarantees))


def parse_contract(doc: Mapping) -> Contract:
    """Parse a validated terms document into frozen dataclasses.

    Args:
        doc: the terms document exactly as parsed from JSON (structurally valid per TERMS.md).

    Returns:
        The Contract the engine executes.
    """
    parties = doc.get("parties", [])
    caps = doc.get("caps") or {}
    terminated = doc.get("terminated_on")
    order = _listing_order(parties)
    return Contract(
        reference=doc.get("reference", ""),
        currency=doc["currency"],
        exponent=minor_unit(doc["currency"]),
        rounding=doc.get("rounding", "half_up"),
        terminated_on=dt.date.fromisoformat(terminated) if terminated else None,
        metrics={m["code"]: _metric(m) for m in doc.get("metrics", [])},
        periods=tuple(_period(p) for p in doc.get("periods", [])),
        terms=tuple(_term(t, i, order) for i, t in enumerate(doc.get("terms", []))),
        payers=tuple(p["organisation"] for p in parties if p["role"] == "outcome_payer"),
        yearly_caps={
            p["organisation"]: D(p["yearly_cap"])
            for p in parties
            if p["role"] == "outcome_payer" and p.get("yearly_cap") is not None
        },
        investors=tuple(
            Investor(p["organisation"], D(p["commitment"]), p["tranche"])
            for p in parties
            if p["role"] == "investor"
        ),
        tranches=tuple(_tranche(t) for t in doc.get("tranches", [])),
        payer_shares=_shares(doc.get("payer_shares") or {}, order),
        outcome_total=_opt(caps.get("outcome_total")),
        per_participant=_opt(caps.get("per_participant")),
        guarantees=tuple(_guarantee(g) for g in doc.get("guarantees", [])),
        surplus=doc.get("surplus", "retained"),
        parties=tuple(_party(p) for p in parties),
        document=doc,
    )


def _opt(text: str | None) -> Decimal | None:
    return None if text is None else D(text)


def _listing_order(parties) -> dict[str, int]:
    # Where each organisation first appears in `parties`: the order that breaks ties.
    order: dict[str, int] = {}
    for position, party in enumerate(parties):
        order.setdefault(party["organisation"], position)
    return order


def _shares(shares: Mapping, order: Mapping[str, int]) -> tuple[tuple[str, Decimal], ...]:
    # Ties in the largest-remainder split go to the payer listed first in `parties` (TERMS.md
    # step 6): a JSON object's key order carries no meaning, the `parties` array's order does.
    # A key that is no party (refused by validation) goes last, by name, to stay deterministic.
    ranked = sorted(shares, key=lambda org: (order.get(org, len(order)), org))
    return tuple((org, D(shares[org])) for org in ranked)


def _party(p: Mapping) -> Party:
    return Party(
        organisation=p["organisation"],
        role=p["role"],
        commitment=_opt(p.get("commitment")),
        tranche=p.get("tranche"),
        yearly_cap=_opt(p.get("yearly_cap")),
    )


def _metric(m: Mapping) -> Metric:
    return Metric(
        code=m["code"],
        unit=m.get("unit", "count"),
        higher_is_better=m.get("direction", "higher") == "higher",
        participant_level=bool(m.get("participant_level", False)),
        name=m.get("name", ""),
    )


def _period(p: Mapping) -> Period:
    ends = dt.date.fromisoformat(p["ends_on"])
    deadline = p.get("deadline")
    return Period(
        label=p["label"],
        starts_on=dt.date.fromisoformat(p["starts_on"]),
        ends_on=ends,
        payment_on=dt.date.fromisoformat(deadline) if deadline else ends,
    )


def _measure(m: Mapping | None) -> Measure:
    if not m:
        return Measure()
    baseline = m.get("baseline")
    if isinstance(baseline, Mapping):
        return Measure(m.get("kind", "value"), None, baseline["metric"])
    return Measure(m.get("kind", "value"), _opt(baseline), None)


def _gate(g: Mapping | None) -> Gate | None:
    if g is None:
        return None
    return Gate(D(g["at"]), g.get("metric"), _measure(g.get("measure")))


def _step(s: Mapping) -> Step:
    until = s.get("until")
    if until == "investors_repaid":
        return Step(D(s["price"]), None, True)
    return Step(D(s["price"]), _opt(until), False)


def _term(t: Mapping, index: int, order: Mapping[str, int]) -> Term:
    periods = t.get("periods")
    return Term(
        id=t["id"],
        index=index,
        metric=t["metric"],
        kind=t["kind"],
        measure=_measure(t.get("measure")),
        gate=_gate(t.get("gate")),
        periods=None if periods is None else frozenset(periods),
        cumulative=t.get("basis", "period") == "cumulative",
        # A term without a group is a group of its own; the prefix keeps names apart.
        group=("group:" + t["group"]) if t.get("group") else ("term:" + t["id"]),
        cap_per_period=_opt(t.get("cap_per_period")),
        cap_total=_opt(t.get("cap_total")),
        payer_shares=_shares(t["payer_shares"], order) if t.get("payer_shares") else None,
        payer_shares_by_period={
            label: _shares(s, order) for label, s in (t.get("payer_shares_by_period") or {}).items()
        },
        repeatable=bool(t.get("repeatable", False)),
        tiers=tuple((D(x["at"]), D(x["pay"])) for x in t.get("tiers", [])),
        floor=_opt(t.get("floor")),
        target=_opt(t.get("target")),
        pay_at_floor=D(t.get("pay_at_floor", "0")),
        pay_at_target=_opt(t.get("pay_at_target")),
        clamp=bool(t.get("clamp", False)),
        price=_opt(t.get("price")),
        brackets=tuple((_opt(b.get("up_to")), D(b["price"])) for b in t.get("brackets", [])),
        price_steps=tuple(_step(s) for s in t.get("price_steps", [])),
        max_units=_opt(t.get("max_units")),
    )


def _tranche(t: Mapping) -> Tranche:
    cap = t.get("return_cap") or {"kind": "none"}
    return Tranche(t["name"], cap["kind"], _opt(cap.get("rate")))


def _guarantee(g: Mapping) -> Guarantee:
    return Guarantee(g["by"], D(g["share_of_principal"]), _opt(g.get("cap")), g.get("tranche"))
