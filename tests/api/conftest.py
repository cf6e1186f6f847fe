"""Fixtures for the contracts API: a valid terms document and a client acting as a role."""

import copy
import json

import pytest

EXAMPLE_TERMS = {
    "format": "sib-terms/1",
    "reference": "BOT-NAC-2027",
    "title": "Work and safety in Alby, Fittja and Fisksätra",
    "currency": "SEK",
    "starts_on": "2027-01-01",
    "ends_on": "2030-12-31",
    "organisations": [
        {
            "id": "botkyrka",
            "name": "Botkyrka kommun",
            "kind": "municipality",
            "org_number": "212000-2882",
        },
        {"id": "nacka", "name": "Nacka kommun", "kind": "municipality"},
        {"id": "region", "name": "Region Stockholm", "kind": "region", "org_number": "232100-0016"},
        {"id": "fund", "name": "Demo Impact Fund", "kind": "investor"},
    ],
    "parties": [
        {"organisation": "botkyrka", "role": "outcome_payer", "yearly_cap": "6000000"},
        {"organisation": "nacka", "role": "outcome_payer"},
        {"organisation": "region", "role": "outcome_payer"},
        {"organisation": "fund", "role": "investor", "commitment": "20000000", "tranche": "senior"},
    ],
    "tranches": [{"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.06"}}],
    "payer_shares": {"botkyrka": "0.45", "nacka": "0.25", "region": "0.30"},
    "metrics": [
        {
            "code": "EMP6",
            "name": "Residents in work six months",
            "unit": "count",
            "direction": "higher",
            "participant_level": True,
        },
        {
            "code": "SAFE",
            "name": "Residents who feel safe at night",
            "unit": "percent",
            "direction": "higher",
            "counterfactual": "historical_baseline",
        },
    ],
    "periods": [
        {
            "label": "2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "deadline": "2028-03-31",
        },
        {
            "label": "2028",
            "starts_on": "2028-01-01",
            "ends_on": "2028-12-31",
            "deadline": "2029-03-31",
        },
    ],
    "terms": [
        {
            "id": "jobs",
            "metric": "EMP6",
            "kind": "rate_card",
            "price": "45000",
            "cap_total": "9000000",
        },
        {
            "id": "safety",
            "metric": "SAFE",
            "measure": {"kind": "change", "baseline": "52"},
            "kind": "tiered",
            "tiers": [{"at": "3", "pay": "1000000"}, {"at": "6", "pay": "2500000"}],
            "payer_shares": {"botkyrka": "0.5", "nacka": "0.5"},
        },
    ],
    "caps": {"outcome_total": "30000000", "per_participant": "60000"},
}


@pytest.fixture
def terms_doc():
    """A fresh, valid copy of TERMS.md's example document, to change per test."""
    return copy.deepcopy(EXAMPLE_TERMS)


@pytest.fixture
def post_json(client):
    """POST a document as JSON text, exactly as given."""

    def post(url, document, headers=None):
        return client.post(
            url,
            data=json.dumps(document, ensure_ascii=False),
            content_type="application/json",
            headers=headers or {},
        )

    return post


@pytest.fixture
def manager_headers(auth_headers):
    """Headers of a contract manager of Botkyrka, a party to the example contract."""
    return auth_headers("contract_manager", "botkyrka")
