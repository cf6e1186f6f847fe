"""The documented worked example and the demo load, and settle to the figures we publish."""

import json
import re
from pathlib import Path

from contracts.engine.public import answer_document, settle
from contracts.terms.load import load_terms, load_terms_text

ROOT = Path(__file__).resolve().parents[2]


def worked_example():
    """The terms and input JSON blocks of docs/terms.md's worked example."""
    text = (ROOT / "docs" / "terms.md").read_text(encoding="utf-8")
    section = text.split("## Worked example", 1)[1]
    terms, values = re.findall(r"```json\n(.*?)```", section, re.DOTALL)[:2]
    return load_terms_text(terms), json.loads(values)


def demo():
    terms = (ROOT / "examples" / "demo-terms.json").read_bytes()
    values = (ROOT / "examples" / "demo-input.json").read_text(encoding="utf-8")
    return load_terms_text(terms), json.loads(values)


def test_the_worked_example_loads():
    terms, _ = worked_example()
    assert load_terms(terms.document).reference == "DOC-2027"


def test_the_demo_contract_loads_with_its_area_notes():
    terms, _ = demo()
    assert terms.reference == "BOT-NAC-2027"
    assert terms.document["metrics"][0]["x_areas"] == ["Alby", "Fittja", "Fisksätra"]


def test_the_worked_example_settles_to_the_documented_figures():
    answer = answer_document(settle(*worked_example()))
    first, second = answer["periods"]
    # 2027: 4 x 100000 + tier 300000 = 700000; Botkyrka 0.6 x 700000 = 420000 capped at 400000.
    assert first["payers"] == {"botkyrka": "400000.00", "nacka": "280000.00"}
    assert first["held_back"] == {"botkyrka": "20000.00"}
    # 2028: capacity 320000 + 76410.96 - 20000 = 376410.96, shared by two terms earning 300000.
    assert [term["amount"] for term in second["terms"]] == ["188205.48", "188205.48"]
    # Botkyrka 2 x 112923.29 + 20000 carried; Nacka 2 x 75282.19.
    assert second["payers"] == {"botkyrka": "245846.58", "nacka": "150564.38"}
    assert second["investors"]["fund"] == {"principal": "320000.00", "return": "76410.96"}


def test_the_demo_shows_caps_binding_and_both_tranches_paid():
    answer = answer_document(settle(*demo()))
    periods = {period["period"]: period for period in answer["periods"]}
    # Botkyrka: 0.45 x (1650000 + 2000000) + 0.5 x 70000 + 0.6 x 1312500 = 2465000 > 2200000.
    assert periods["2029"]["held_back"] == {"botkyrka": "265000.00"}
    health = next(term for term in periods["2029"]["terms"] if term["term"] == "health")
    assert health["amount"] == "600000.00"  # 350 visits x 2000 = 700000, capped per period
    investors = answer["totals"]["investors"]
    assert all(figures["principal"] != "0.00" for figures in investors.values())
    # Junior drew 2000000 + 2500000; the guarantee tops it up to 0.8 x 4500000 = 3600000.
    assert answer["guarantees"] == [
        {"by": "trygga", "investor": "sodertorn_impact", "amount": "276609.59"}
    ]
