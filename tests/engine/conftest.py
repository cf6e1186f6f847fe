"""Factories for small terms documents and inputs, so engine tests state only what matters."""

from __future__ import annotations

import copy

import pytest

from tests.engine.answers import settled

#: Metrics every test contract has: a percent, two additive counts, a lower-is-better
#: figure in days and a participant-level count.
METRICS = [
    {"code": "SAFE", "name": "Feel safe", "unit": "percent", "direction": "higher"},
    {"code": "CNT", "name": "Events avoided", "unit": "count", "direction": "higher"},
    {"code": "CMP", "name": "Comparison group", "unit": "count", "direction": "higher"},
    {"code": "WAIT", "name": "Days waited", "unit": "days", "direction": "lower"},
    {
        "code": "EMP",
        "name": "In work",
        "unit": "count",
        "direction": "higher",
        "participant_level": True,
    },
]

#: Calendar-year periods; each is paid on its `ends_on` (no deadline).
PERIODS = [
    {"label": str(year), "starts_on": f"{year}-01-01", "ends_on": f"{year}-12-31"}
    for year in (2027, 2028, 2029)
]

BASE = {
    "format": "sib-terms/1",
    "reference": "TEST-1",
    "title": "Test contract",
    "currency": "SEK",
    "starts_on": "2027-01-01",
    "ends_on": "2029-12-31",
    "organisations": [
        {"id": "city", "name": "City", "kind": "municipality"},
        {"id": "region", "name": "Region", "kind": "region"},
        {"id": "fund", "name": "Fund", "kind": "investor"},
        {"id": "bank", "name": "Bank", "kind": "investor"},
        {"id": "doers", "name": "Doers", "kind": "provider"},
    ],
    "parties": [
        {"organisation": "city", "role": "outcome_payer"},
        {"organisation": "doers", "role": "provider"},
    ],
    "tranches": [],
    "metrics": METRICS,
    "periods": PERIODS,
    "terms": [],
    "payer_shares": {"city": "1"},
}


@pytest.fixture
def make_terms():
    """Return a factory of terms documents: ``make_terms(terms=[...], caps={...}, ...)``."""

    def make(**overrides) -> dict:
        doc = copy.deepcopy(BASE)
        doc.update(copy.deepcopy(overrides))
        return doc

    return make


@pytest.fixture
def make_input():
    """Return a factory of engine inputs with empty defaults."""

    def make(values=None, participants=None, drawdowns=None, through=None) -> dict:
        doc = {
            "values": values or {},
            "participants": participants or [],
            "drawdowns": drawdowns or [],
        }
        if through is not None:
            doc["through"] = through
        return doc

    return make


@pytest.fixture
def run(make_terms, make_input):
    """Return ``run(terms, values=..., ..., **document_overrides) -> answer``."""

    def settle_case(terms, values=None, participants=None, drawdowns=None, through=None, **doc):
        document = make_terms(terms=terms, **doc)
        return settled(document, make_input(values, participants, drawdowns, through))

    return settle_case


@pytest.fixture
def amounts():
    """Return ``amounts(answer, term_id) -> [amount per period]`` ("-" where it does not apply)."""

    def of(answer: dict, term_id: str) -> list[str]:
        found = []
        for period in answer["periods"]:
            match = [t["amount"] for t in period["terms"] if t["term"] == term_id]
            found.append(match[0] if match else "-")
        return found

    return of


@pytest.fixture
def entry():
    """Return ``entry(answer, period_label, term_id) -> the term's answer object``."""

    def of(answer: dict, label: str, term_id: str) -> dict:
        period = next(p for p in answer["periods"] if p["period"] == label)
        return next(t for t in period["terms"] if t["term"] == term_id)

    return of


@pytest.fixture
def metrics():
    """Return the test metrics plus HOUSE, a second participant-level count."""
    house = {
        "code": "HOUSE",
        "name": "Housed",
        "unit": "count",
        "direction": "higher",
        "participant_level": True,
    }
    return [*copy.deepcopy(METRICS), house]
