"""Hypothesis strategies for valid `sib-terms/1` documents and the engine's input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

#: ISO 4217 exponent of each currency the strategies use (digits after the point).
EXPONENTS = {"SEK": 2, "EUR": 2, "JPY": 0, "KWD": 3}

#: Denominators whose fractions are exact decimals, so shares written as strings sum to 1.
DENOMINATORS = (1, 2, 4, 5, 8, 10, 20, 25, 40, 100)

PAYERS = ("botkyrka", "nacka", "region")
INVESTORS = ("fund_a", "fund_b", "fund_c")


@dataclass(frozen=True)
class Case:
    """One generated contract: the terms document and the engine input."""

    terms: dict
    inputs: dict


def plain(number: Decimal) -> str:
    """Write a decimal plainly, as TERMS.md requires of documents: no exponent, no trailing 0."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def payment_date(period: dict) -> dt.date:
    """The period's payment date: its deadline, else its end."""
    return dt.date.fromisoformat(period.get("deadline", period["ends_on"]))


def money(currency: str, low: int, high: int, whole: bool = False):
    """Amounts from `low` to `high` major units, in whole minor units (or whole major units)."""
    scale = 10 ** EXPONENTS[currency]
    if whole:
        return st.integers(low, high).map(lambda n: plain(Decimal(n)))
    return st.integers(low * scale, high * scale).map(
        lambda n: plain(Decimal(n).scaleb(-EXPONENTS[currency]))
    )


@st.composite
def shares(draw, payers) -> dict:
    """Shares of exactly 1 over a non-empty subset of `payers`: integer parts over a denominator."""
    denominator = draw(st.sampled_from(DENOMINATORS))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(0, denominator), min_size=len(payers) - 1, max_size=len(payers) - 1
            )
        )
    )
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, denominator], strict=True)]
    return {
        payer: plain(Decimal(part) / denominator)
        for payer, part in zip(payers, parts, strict=True)
        if part
    }


@st.composite
def periods(draw) -> list[dict]:
    """1-5 consecutive yearly or half-yearly periods from 2027, some with a deadline.

    A deadline is at most 120 days after the period's end and every period lasts at least
    181 days, so payment dates never decrease.
    """
    count = draw(st.integers(1, 5))
    halves = draw(st.booleans())
    bounds = []
    for index in range(count):
        if halves:
            year, half = 2027 + index // 2, index % 2
            start = dt.date(year, 1 + 6 * half, 1)
            end = dt.date(year, 6, 30) if half == 0 else dt.date(year, 12, 31)
        else:
            start, end = dt.date(2027 + index, 1, 1), dt.date(2027 + index, 12, 31)
        bounds.append((start, end))
    result = []
    for index, (start, end) in enumerate(bounds):
        period = {
            "label": f"P{index + 1}",
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
        }
        delay = draw(st.none() | st.integers(0, 120))
        if delay is not None:
            period["deadline"] = (end + dt.timedelta(days=delay)).isoformat()
        result.append(period)
    return result


@dataclass(frozen=True)
class Scale:
    """The typical range of a measure and whether bigger is better for it."""

    low: int
    high: int
    bigger_is_better: bool


def measure_scale(metric: dict, measure: dict) -> Scale:
    """Where a term's measure usually lies, so thresholds fall where values land."""
    kind = measure.get("kind", "value")
    if kind == "value":
        return Scale(0, 100, metric["direction"] == "higher")
    if kind == "change":
        return Scale(-30, 60, True)
    return Scale(-50, 150, True)


@st.composite
def thresholds(draw, scale: Scale, count: int) -> list[str]:
    """`count` distinct thresholds listed from the least to the most demanding."""
    raw = draw(
        st.lists(
            st.integers(scale.low * 10, scale.high * 10),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    ordered = sorted(raw, reverse=not scale.bigger_is_better)
    return [plain(Decimal(n) / 10) for n in ordered]


@st.composite
def ascending_pays(draw, currency: str, count: int) -> list[str]:
    """`count` non-decreasing payments, so a better outcome never pays less."""
    steps = draw(st.lists(money(currency, 0, 200_000), min_size=count, max_size=count))
    total, result = Decimal(0), []
    for step in steps:
        total += Decimal(step)
        result.append(plain(total))
    return result


@st.composite
def kind_fields(draw, metric: dict, measure: dict, currency: str, cumulative: bool) -> dict:
    """The fields of a tiered, linear or rate_card term valid for this metric and measure."""
    scale = measure_scale(metric, measure)
    kinds = ["tiered", "linear"]
    if scale.bigger_is_better:
        kinds.append("rate_card")  # a rate card on a lower-is-better value is an error
    kind = draw(st.sampled_from(kinds))
    if kind == "tiered":
        count = draw(st.integers(1, 4))
        ats = draw(thresholds(scale, count))
        pays = draw(ascending_pays(currency, count))
        return {
            "kind": "tiered",
            "tiers": [{"at": a, "pay": p} for a, p in zip(ats, pays, strict=True)],
        }
    if kind == "linear":
        floor, target = draw(thresholds(scale, 2))
        low, high = sorted(
            draw(st.lists(money(currency, 0, 300_000), min_size=2, max_size=2)), key=Decimal
        )
        fields = {"kind": "linear", "floor": floor, "target": target, "pay_at_target": high}
        if draw(st.booleans()):
            fields["pay_at_floor"] = low
        if draw(st.booleans()):
            fields["clamp"] = draw(st.booleans())
        return fields
    return draw(rate_card_fields(metric, measure, currency, cumulative))


@st.composite
def rate_card_fields(draw, metric: dict, measure: dict, currency: str, cumulative: bool) -> dict:
    """A rate card: one price, brackets (value measure only) or price steps (not cumulative)."""
    fields: dict = {"kind": "rate_card"}
    pricing = ["price"]
    if measure.get("kind", "value") == "value":
        pricing.append("brackets")
    if not cumulative:
        pricing.append("price_steps")
    chosen = draw(st.sampled_from(pricing))
    unit_price = st.sampled_from(["0.95", "12.5", "100", "1000", "4500", "45000"])
    if chosen == "price":
        fields["price"] = draw(unit_price)
    elif chosen == "brackets":
        ups = sorted(draw(st.lists(st.integers(1, 300), min_size=0, max_size=3, unique=True)))
        prices = draw(st.lists(unit_price, min_size=len(ups) + 1, max_size=len(ups) + 1))
        fields["brackets"] = [
            {"up_to": str(u), "price": p} for u, p in zip(ups, prices[:-1], strict=True)
        ]
        fields["brackets"].append({"price": prices[-1]})
    else:
        untils = sorted(
            draw(
                st.lists(
                    money(currency, 1, 500_000, whole=True), min_size=1, max_size=2, unique=True
                )
            ),
            key=Decimal,
        )
        if draw(st.booleans()):
            untils = ["investors_repaid"]
        prices = draw(st.lists(unit_price, min_size=len(untils) + 1, max_size=len(untils) + 1))
        fields["price_steps"] = [
            {"until": u, "price": p} for u, p in zip(untils, prices[:-1], strict=True)
        ]
        fields["price_steps"].append({"price": prices[-1]})
    if draw(st.booleans()):
        fields["floor"] = str(draw(st.integers(0, 20)))
    if draw(st.booleans()):
        fields["max_units"] = str(draw(st.integers(1, 400)))
    return fields


@st.composite
def measure_for(draw, metric: dict, others: list[dict], monotone: bool = False) -> dict | None:
    """A term's measure: value (default), change or relative change against a baseline.

    Args:
        metric: the term's metric.
        others: other aggregate metrics that may serve as a comparison-group baseline.
        monotone: only fixed positive baselines, so a better value always measures better
            (a negative relative-change baseline would turn the order round).
    """
    if metric.get("participant_level"):
        return None
    kind = draw(st.sampled_from(["value", "change", "relative_change"]))
    if kind == "value":
        return None if draw(st.booleans()) else {"kind": "value"}
    baseline = str(draw(st.integers(1, 100)))
    if others and not monotone and draw(st.integers(0, 3)) == 0:
        return {"kind": kind, "baseline": {"metric": draw(st.sampled_from(others))["code"]}}
    return {"kind": kind, "baseline": baseline}


@st.composite
def metrics(draw) -> list[dict]:
    """1-3 metrics: counts or percents, higher or lower is better, maybe one participant-level."""
    count = draw(st.integers(1, 3))
    result = []
    for index in range(count):
        participant_level = draw(st.integers(0, 4)) == 0
        metric = {
            "code": f"M{index + 1}",
            "name": f"Metric {index + 1}",
            "unit": "count" if participant_level else draw(st.sampled_from(["count", "percent"])),
            "direction": "higher"
            if participant_level
            else draw(st.sampled_from(["higher", "lower"])),
        }
        if participant_level:
            metric["participant_level"] = True
        result.append(metric)
    return result


@st.composite
def term(draw, index: int, metric_list: list[dict], period_list: list[dict], currency: str) -> dict:
    """One valid term on a random metric, with optional caps, group, gate, periods and shares."""
    metric = draw(st.sampled_from(metric_list))
    others = [m for m in metric_list if m is not metric and not m.get("participant_level")]
    measure = draw(measure_for(metric, others))
    numeric_baseline = measure is None or not isinstance(measure.get("baseline"), dict)
    cumulative = (
        metric["unit"] == "count"
        and not metric.get("participant_level")
        and numeric_baseline
        and draw(st.integers(0, 3)) == 0
    )
    result = {"id": f"t{index + 1}", "metric": metric["code"]}
    if measure is not None:
        result["measure"] = measure
    result.update(draw(kind_fields(metric, measure or {}, currency, cumulative)))
    if metric.get("participant_level") and draw(st.integers(0, 3)) == 0:
        result["repeatable"] = True  # every row counts, not only each participant's first
    if cumulative:
        result["basis"] = "cumulative"
    elif draw(st.booleans()):
        result["basis"] = "period"
    if draw(st.integers(0, 3)) == 0:
        labels = [p["label"] for p in period_list]
        chosen = draw(st.lists(st.sampled_from(labels), min_size=1, unique=True))
        result["periods"] = [label for label in labels if label in chosen]
    if draw(st.integers(0, 3)) == 0:
        result["cap_per_period"] = draw(money(currency, 0, 300_000))
    if draw(st.integers(0, 3)) == 0:
        result["cap_total"] = draw(money(currency, 0, 600_000))
    if draw(st.integers(0, 3)) == 0:
        result["group"] = draw(st.sampled_from(["grp-a", "grp-b"]))
    if draw(st.integers(0, 4)) == 0:
        result["gate"] = draw(gate(metric, measure or {}, others))
    return result


@st.composite
def gate(draw, metric: dict, measure: dict, others: list[dict]) -> dict:
    """A gate on the term's own measure, or on another metric in the period alone."""
    if others and draw(st.booleans()):
        other = draw(st.sampled_from(others))
        (at,) = draw(thresholds(measure_scale(other, {}), 1))
        return {"at": at, "metric": other["code"]}
    (at,) = draw(thresholds(measure_scale(metric, measure), 1))
    return {"at": at}


@st.composite
def investors(draw, currency: str) -> tuple[list[dict], list[dict]]:
    """0-3 investor parties spread over 1-2 tranches, and the tranches in repayment order."""
    count = draw(st.integers(0, 3))
    if count == 0:
        return [], []
    names = ["senior", "junior"][: draw(st.integers(1, 2))]
    tranches = []
    for position, name in enumerate(names):
        kinds = ["none", "annual_rate", "total"]
        if position == len(names) - 1:
            kinds.append("uncapped")  # allowed only on the last tranche
        kind = draw(st.sampled_from(kinds))
        cap = {"kind": kind}
        if kind in ("annual_rate", "total"):
            cap["rate"] = draw(st.sampled_from(["0.04", "0.06", "0.075", "0.1", "0.25"]))
        tranches.append({"name": name, "return_cap": cap})
    parties = [
        {
            "organisation": INVESTORS[index],
            "role": "investor",
            "commitment": draw(money(currency, 1_000, 2_000_000, whole=True)),
            "tranche": draw(st.sampled_from(names)),
        }
        for index in range(count)
    ]
    return parties, tranches


@st.composite
def terms_documents(draw, currency: str | None = None) -> dict:
    """A complete, valid terms document."""
    currency = currency or draw(st.sampled_from(sorted(EXPONENTS)))
    period_list = draw(periods())
    metric_list = draw(metrics())
    payer_count = draw(st.integers(1, 3))
    payers = list(PAYERS[:payer_count])
    investor_parties, tranches = draw(investors(currency))
    terms = [
        draw(term(index, metric_list, period_list, currency))
        for index in range(draw(st.integers(1, 3)))
    ]
    for item in terms:
        if payer_count > 1 and draw(st.integers(0, 3)) == 0:
            item["payer_shares"] = draw(shares(payers))
        if payer_count > 1 and draw(st.integers(0, 4)) == 0:
            label = draw(st.sampled_from(period_list))["label"]
            item["payer_shares_by_period"] = {label: draw(shares(payers))}
    payer_parties = []
    for payer in payers:
        party = {"organisation": payer, "role": "outcome_payer"}
        if draw(st.integers(0, 2)) == 0:
            party["yearly_cap"] = draw(money(currency, 0, 400_000, whole=True))
        payer_parties.append(party)
    caps = {}
    if draw(st.integers(0, 2)) == 0:
        caps["outcome_total"] = draw(money(currency, 0, 1_500_000, whole=True))
    if any(m.get("participant_level") for m in metric_list) and draw(st.booleans()):
        caps["per_participant"] = draw(money(currency, 1, 60_000, whole=True))
    last_year = dt.date.fromisoformat(period_list[-1]["ends_on"]).year + 1
    document = {
        "format": "sib-terms/1",
        "reference": "PROP-2027",
        "title": "Arbete och trygghet i Fisksätra",  # non-ASCII: the digest is over UTF-8
        "description": "Generated by hypothesis.",
        "currency": currency,
        "starts_on": period_list[0]["starts_on"],
        "ends_on": f"{last_year}-12-31",
        "organisations": [
            *({"id": p, "name": p.title(), "kind": "municipality"} for p in payers),
            *(
                {"id": i["organisation"], "name": "Fund", "kind": "investor"}
                for i in investor_parties
            ),
            {"id": "provider", "name": "Provider", "kind": "provider"},
        ],
        "parties": [
            *payer_parties,
            *investor_parties,
            {"organisation": "provider", "role": "provider"},
        ],
        "tranches": tranches,
        "metrics": metric_list,
        "periods": period_list,
        "terms": terms,
        "payer_shares": draw(shares(payers)),
        "caps": caps,
        "guarantees": [],
    }
    if investor_parties and draw(st.booleans()):
        document["guarantees"] = [draw(guarantee(payers, tranches, currency))]
    if draw(st.integers(0, 5)) == 0:
        # anywhere in the contract's life, often between two payment dates
        start = dt.date.fromisoformat(document["starts_on"])
        span = (dt.date.fromisoformat(document["ends_on"]) - start).days
        document["terminated_on"] = (
            start + dt.timedelta(days=draw(st.integers(0, span)))
        ).isoformat()
    rounding = draw(st.sampled_from([None, "half_up", "half_even"]))
    if rounding:
        document["rounding"] = rounding
    surplus = draw(st.sampled_from([None, "retained", "retained", "provider", "investors"]))
    if surplus:
        document["surplus"] = surplus
    return document


@st.composite
def guarantee(draw, payers: list[str], tranches: list[dict], currency: str) -> dict:
    """A guarantee by an outcome payer, perhaps capped, perhaps for one tranche."""
    result = {
        "by": draw(st.sampled_from(payers)),
        "share_of_principal": draw(st.sampled_from(["0.5", "0.8", "1"])),
    }
    if draw(st.booleans()):
        result["cap"] = draw(money(currency, 0, 1_000_000, whole=True))
    if draw(st.booleans()):
        result["tranche"] = draw(st.sampled_from(tranches))["name"]
    return result


def metric_value(metric: dict):
    """A value for an aggregate metric: whole counts, or percents with one decimal."""
    if metric["unit"] == "count":
        return st.integers(0, 120).map(str)
    return st.integers(0, 1000).map(lambda n: plain(Decimal(n) / 10))


@st.composite
def inputs_for(draw, document: dict) -> dict:
    """Outcome values, participant rows and drawdowns valid for `document`."""
    labels = [p["label"] for p in document["periods"]]
    aggregate = [m for m in document["metrics"] if not m.get("participant_level")]
    individual = [m for m in document["metrics"] if m.get("participant_level")]
    values = {}
    for label in labels:
        row = {m["code"]: draw(metric_value(m)) for m in aggregate if draw(st.integers(0, 5))}
        if row:
            values[label] = row
    participants = []
    for period in document["periods"]:
        start = dt.date.fromisoformat(period["starts_on"])
        length = (dt.date.fromisoformat(period["ends_on"]) - start).days
        for metric in individual:
            for _ in range(draw(st.integers(0, 4))):
                achieved = start + dt.timedelta(days=draw(st.integers(0, length)))
                participants.append(
                    {
                        "participant": f"p-{draw(st.integers(1, 6)):04x}",
                        "metric": metric["code"],
                        "period": period["label"],
                        "achieved_on": achieved.isoformat(),
                    }
                )
    result = {
        "values": values,
        "participants": participants,
        "drawdowns": draw(drawdowns(document)),
    }
    if draw(st.integers(0, 3)) == 0:
        result["through"] = draw(st.sampled_from(labels))
    return result


@st.composite
def drawdowns(draw, document: dict) -> list[dict]:
    """0-3 drawdowns per investor within the contract's life, never beyond its commitment."""
    exponent = EXPONENTS[document["currency"]]
    start = dt.date.fromisoformat(document["starts_on"])
    span = (payment_date(document["periods"][-1]) - start).days
    result = []
    for party in document["parties"]:
        if party["role"] != "investor":
            continue
        left = int(Decimal(party["commitment"]).scaleb(exponent))
        for _ in range(draw(st.integers(0, 3))):
            amount = draw(st.integers(0, left))
            left -= amount
            if amount:
                on = start + dt.timedelta(days=draw(st.integers(0, span)))
                result.append(
                    {
                        "investor": party["organisation"],
                        "on": on.isoformat(),
                        "amount": plain(Decimal(amount).scaleb(-exponent)),
                    }
                )
    return sorted(result, key=lambda d: d["on"])


@st.composite
def cases(draw, currency: str | None = None) -> Case:
    """A valid terms document with a valid input for it."""
    document = draw(terms_documents(currency))
    return Case(document, draw(inputs_for(document)))


@dataclass(frozen=True)
class Pair:
    """A one-term contract settled on a value and on one at least as good."""

    terms: dict
    worse: dict
    better: dict


@st.composite
def monotone_pairs(draw) -> Pair:
    """A single-term, single-period contract without investors, and two values of its metric.

    `better` is at least as good as `worse`: higher for a higher-is-better metric, lower
    for a lower-is-better one.
    """
    currency = draw(st.sampled_from(sorted(EXPONENTS)))
    direction = draw(st.sampled_from(["higher", "lower"]))
    metric = {
        "code": "M1",
        "name": "Outcome",
        "unit": draw(st.sampled_from(["count", "percent"])),
        "direction": direction,
    }
    measure = draw(measure_for(metric, [], monotone=True))
    item = {"id": "t1", "metric": "M1", **draw(kind_fields(metric, measure or {}, currency, False))}
    if measure is not None:
        item["measure"] = measure
    if draw(st.booleans()):
        item["cap_per_period"] = draw(money(currency, 0, 300_000))
    document = {
        "format": "sib-terms/1",
        "reference": "MONO-2027",
        "title": "Monotone",
        "description": "Generated by hypothesis.",
        "currency": currency,
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "organisations": [
            {"id": "botkyrka", "name": "Botkyrka", "kind": "municipality"},
            {"id": "nacka", "name": "Nacka", "kind": "municipality"},
        ],
        "parties": [
            {"organisation": "botkyrka", "role": "outcome_payer"},
            {"organisation": "nacka", "role": "outcome_payer"},
        ],
        "tranches": [],
        "metrics": [metric],
        "periods": [{"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}],
        "terms": [item],
        "payer_shares": draw(shares(["botkyrka", "nacka"])),
        "caps": {},
        "guarantees": [],
    }
    if draw(st.booleans()):
        document["rounding"] = draw(st.sampled_from(["half_up", "half_even"]))
    one, other = sorted(draw(st.lists(st.integers(0, 1500), min_size=2, max_size=2)))
    if metric["unit"] == "count":
        low, high = str(one // 10), str(other // 10)
    else:
        low, high = plain(Decimal(one) / 10), plain(Decimal(other) / 10)
    worse, better = (low, high) if direction == "higher" else (high, low)

    def inputs(value: str) -> dict:
        return {"values": {"2027": {"M1": value}}, "participants": [], "drawdowns": []}

    return Pair(document, inputs(worse), inputs(better))
