"""Benchmark the payment engine: a generated portfolio settled end to end, against a bare loop.

Run: .venv/bin/python benchmarks/settle.py [--contracts 1000] [--terms 10] [--periods 20]

Each contract has `terms` terms (tiered, linear and rate-card, on their own metrics), `periods`
quarterly periods, two outcome payers (one with a yearly cap), one investor drawing its
commitment up front, and a value for every metric in every period. The engine settles every
period; the bare loop does the same Decimal arithmetic per term-period (measure, clause, one
rounding, a two-way split, a yearly cap, the waterfall's subtraction) with no engine around it.
Prints seconds, term-periods per second, and the engine's time as a multiple of the bare loop's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contracts.engine.public import answer_document, parse_contract, settle  # noqa: E402

CENT = Decimal("0.01")
KINDS = ("tiered", "linear", "rate_card")


def quarters(count: int) -> list[dict]:
    """`count` quarterly periods from 2027, each paid on its last day."""
    periods, start = [], dt.date(2027, 1, 1)
    for n in range(count):
        month = start.month + 3
        end = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
        periods.append({"label": f"Q{n + 1:02d}", "starts_on": start.isoformat(),
                        "ends_on": end.isoformat()})  # fmt: skip
        start = end + dt.timedelta(days=1)
    return periods


def term(index: int) -> dict:
    code, kind = f"M{index}", KINDS[index % 3]
    if kind == "tiered":
        return {"id": f"t{index}", "metric": code, "kind": "tiered",
                "measure": {"kind": "change", "baseline": "50"},
                "tiers": [{"at": "2", "pay": "100000"}, {"at": "5", "pay": "250000"}]}  # fmt: skip
    if kind == "linear":
        return {"id": f"t{index}", "metric": code, "kind": "linear", "floor": "40",
                "target": "60", "pay_at_target": "300000"}  # fmt: skip
    return {"id": f"t{index}", "metric": code, "kind": "rate_card", "price": "1234.5"}


def contract(n: int, terms: int, periods: int) -> dict:
    """A generated terms document (valid sib-terms/1)."""
    labels = quarters(periods)
    return {
        "format": "sib-terms/1", "reference": f"BENCH-{n:04d}", "title": "Benchmark",
        "currency": "SEK", "starts_on": labels[0]["starts_on"], "ends_on": labels[-1]["ends_on"],
        "organisations": [{"id": "a", "name": "A", "kind": "municipality"},
                          {"id": "b", "name": "B", "kind": "region"},
                          {"id": "fund", "name": "Fund", "kind": "investor"}],
        "parties": [{"organisation": "a", "role": "outcome_payer", "yearly_cap": "2000000"},
                    {"organisation": "b", "role": "outcome_payer"},
                    {"organisation": "fund", "role": "investor", "commitment": "50000000",
                     "tranche": "senior"}],
        "tranches": [{"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.05"}}],
        "payer_shares": {"a": "0.6", "b": "0.4"},
        "metrics": [{"code": f"M{i}", "name": f"Metric {i}", "unit": "count",
                     "direction": "higher"} for i in range(terms)],
        "periods": labels,
        "terms": [term(i) for i in range(terms)],
    }  # fmt: skip


def values(rng: random.Random, document: dict) -> dict:
    return {
        "values": {p["label"]: {m["code"]: str(rng.randint(35, 70)) for m in document["metrics"]}
                   for p in document["periods"]},
        "drawdowns": [{"investor": "fund", "on": document["starts_on"], "amount": "50000000"}],
        "through": document["periods"][-1]["label"],
    }  # fmt: skip


def bare(document: dict, inputs: dict) -> Decimal:
    """The same Decimal work per term-period, no engine: clause, rounding, split, cap, waterfall."""
    owed_a_year: dict[int, Decimal] = {}
    outstanding, total = Decimal(50_000_000), Decimal(0)
    for period in document["periods"]:
        year = int(period["ends_on"][:4])
        for t in document["terms"]:
            v = Decimal(inputs["values"][period["label"]][t["metric"]])
            if t["kind"] == "tiered":
                change = v - Decimal(t["measure"]["baseline"])
                pay = Decimal(0)
                for tier in t["tiers"]:
                    if change >= Decimal(tier["at"]):
                        pay = Decimal(tier["pay"])
            elif t["kind"] == "linear":
                floor, target = Decimal(t["floor"]), Decimal(t["target"])
                top = Decimal(t["pay_at_target"])
                if v >= target:
                    pay = top
                elif v < floor:
                    pay = Decimal(0)
                else:
                    pay = top * (v - floor) / (target - floor)
            else:
                pay = v * Decimal(t["price"])
            amount = pay.quantize(CENT, rounding=ROUND_HALF_UP)
            part_a = (amount * Decimal("0.6")).quantize(CENT, rounding=ROUND_DOWN)
            part_b = amount - part_a
            room = Decimal(2_000_000) - owed_a_year.get(year, Decimal(0))
            part_a = min(part_a, room)
            owed_a_year[year] = owed_a_year.get(year, Decimal(0)) + part_a
            paid = part_a + part_b
            outstanding -= min(paid, outstanding)
            total += paid
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--terms", type=int, default=10)
    parser.add_argument("--periods", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(2027)
    portfolio = []
    for n in range(args.contracts):
        document = contract(n, args.terms, args.periods)
        portfolio.append((document, values(rng, document)))
    term_periods = args.contracts * args.terms * args.periods

    started = time.perf_counter()
    for document, inputs in portfolio:
        # The whole path a caller pays for: typed contract, settlement, the answer document.
        answer_document(settle(parse_contract(document), inputs))
    engine = time.perf_counter() - started

    started = time.perf_counter()
    for document, inputs in portfolio:
        bare(document, inputs)
    loop = time.perf_counter() - started

    print(f"portfolio: {args.contracts} contracts x {args.terms} terms x {args.periods} periods "
          f"= {term_periods} term-periods")  # fmt: skip
    print(f"engine:    {engine:8.2f} s  {term_periods / engine:12,.0f} term-periods/s")
    print(f"bare loop: {loop:8.2f} s  {term_periods / loop:12,.0f} term-periods/s")
    print(f"ratio:     {engine / loop:8.1f} x  (target: within 3 x)")


if __name__ == "__main__":
    main()
