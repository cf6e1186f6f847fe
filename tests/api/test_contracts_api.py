"""The contracts API as a contract manager and an auditor use it."""

import copy
import json

import pytest

PROBLEM = "application/problem+json"


def create(post_json, terms_doc, headers):
    response = post_json("/api/v1/contracts", terms_doc, headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response


def test_creating_a_contract_answers_201_with_its_location(post_json, terms_doc, manager_headers):
    response = create(post_json, terms_doc, manager_headers)

    assert response.headers["Location"].endswith("/api/v1/contracts/BOT-NAC-2027")
    body = response.get_json()
    assert body["reference"] == "BOT-NAC-2027"
    assert body["version"]["number"] == 1
    assert body["version"]["effective_from"] == "2027-01-01"
    assert [p["organisation"]["id"] for p in body["parties"]] == [
        "botkyrka",
        "nacka",
        "region",
        "fund",
    ]
    assert body["parties"][0]["yearly_cap"] == "6000000"
    assert [t["id"] for t in body["terms"]] == ["jobs", "safety"]


def test_a_terms_document_with_many_mistakes_lists_each_and_stores_nothing(
    client, post_json, terms_doc, manager_headers
):
    broken = copy.deepcopy(terms_doc)
    broken["currency"] = "KRONOR"
    broken["payer_shares"]["region"] = "0.31"
    broken["terms"][0]["price"] = 45000
    broken["terms"][1]["tiers"].reverse()
    broken["organisations"][0]["org_number"] = "212000-2883"
    broken["terms"][0]["metric"] = "EMP7"
    broken["periods"][1]["label"] = "2027"
    broken["tranches"][0]["return_cap"]["kind"] = "forever"
    broken["parties"][3]["tranche"] = "mezzanine"
    broken["caps"]["per_participant"] = "sixty thousand"
    broken["terms"][1]["colour"] = "blue"

    response = post_json("/api/v1/contracts", broken, manager_headers)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert len(problem["errors"]) >= 10
    paths = {error["path"] for error in problem["errors"]}
    assert "$.currency" in paths
    assert "$.terms[0].price" in paths
    assert "$.organisations[0].org_number" in paths
    assert client.get("/api/v1/contracts", headers=manager_headers).get_json() == []


def test_the_same_reference_twice_is_a_conflict(post_json, terms_doc, manager_headers):
    create(post_json, terms_doc, manager_headers)

    response = post_json("/api/v1/contracts", terms_doc, manager_headers)

    assert response.status_code == 409
    assert response.mimetype == PROBLEM


def test_invalid_json_is_a_problem_document(client, manager_headers):
    response = client.post(
        "/api/v1/contracts",
        data="{not json",
        content_type="application/json",
        headers=manager_headers,
    )
    assert response.status_code == 400
    assert response.mimetype == PROBLEM


def test_a_key_given_twice_in_a_posted_document_is_refused(client, terms_doc, manager_headers):
    # A JSON reader keeps one of the two titles; which one a party's reader keeps is not known,
    # so the text itself is read (as `sib terms check` reads a file) and the key is named.
    text = json.dumps(terms_doc)
    text = text.replace('"title": ', '"title": "First title", "title": ', 1)
    response = client.post("/api/v1/contracts", data=text, content_type="application/json",
                           headers=manager_headers)  # fmt: skip
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "$.title"
    assert "more than once" in response.get_json()["errors"][0]["message"]


@pytest.fixture
def admin_headers(auth_headers):
    """An admin's: parties propose amendments (tests/auth/test_contract_roles.py); admins amend."""
    return auth_headers("admin", "elsewhere")


def amend(post_json, terms_doc, headers, effective_from, reason="New safety tiers"):
    return post_json(
        "/api/v1/contracts/BOT-NAC-2027/versions",
        {"effective_from": effective_from, "reason": reason, "terms": terms_doc},
        headers,
    )


def test_an_amendment_adds_a_version_and_leaves_the_old_one_as_it_was(
    client, post_json, terms_doc, manager_headers, admin_headers
):
    create(post_json, terms_doc, manager_headers)
    original = client.get("/api/v1/contracts/BOT-NAC-2027/terms", headers=manager_headers).data
    amended = copy.deepcopy(terms_doc)
    amended["terms"][1]["tiers"][1]["pay"] = "3000000"

    response = amend(post_json, amended, admin_headers, "2028-07-01")

    assert response.status_code == 201
    assert response.get_json()["number"] == 2
    versions = client.get("/api/v1/contracts/BOT-NAC-2027/versions", headers=manager_headers)
    assert [(v["number"], v["effective_from"]) for v in versions.get_json()] == [
        (1, "2027-01-01"),
        (2, "2028-07-01"),
    ]
    first = client.get("/api/v1/contracts/BOT-NAC-2027/versions/1/terms", headers=manager_headers)
    assert first.data == original
    second = client.get("/api/v1/contracts/BOT-NAC-2027/versions/2/terms", headers=manager_headers)
    assert json.loads(second.data)["terms"][1]["tiers"][1]["pay"] == "3000000"


def test_as_of_picks_the_version_in_force_that_day(
    client, post_json, terms_doc, manager_headers, admin_headers
):
    create(post_json, terms_doc, manager_headers)
    amended = copy.deepcopy(terms_doc)
    amended["title"] = "Work and safety, amended"
    amend(post_json, amended, admin_headers, "2028-07-01")

    def title_on(day):
        url = f"/api/v1/contracts/BOT-NAC-2027?as_of={day}"
        return client.get(url, headers=manager_headers).get_json()["version"]["number"]

    assert title_on("2028-06-30") == 1
    assert title_on("2028-07-01") == 2
    before = client.get("/api/v1/contracts/BOT-NAC-2027?as_of=2026-12-31", headers=manager_headers)
    assert before.status_code == 404
    assert before.mimetype == PROBLEM


def test_an_amendment_cannot_take_effect_before_the_current_version(
    post_json, terms_doc, manager_headers, admin_headers
):
    create(post_json, terms_doc, manager_headers)

    response = amend(post_json, terms_doc, admin_headers, "2026-01-01")

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "$.effective_from"


def test_an_amendment_missing_its_reason_names_the_field(
    post_json, terms_doc, manager_headers, admin_headers
):
    create(post_json, terms_doc, manager_headers)

    response = post_json(
        "/api/v1/contracts/BOT-NAC-2027/versions",
        {"effective_from": "2028-01-01", "terms": terms_doc},
        admin_headers,
    )

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert {
        "path": "$.reason",
        "message": "Missing data for required field.",
    } in response.get_json()["errors"]


def test_exported_terms_are_the_document_as_imported(client, post_json, terms_doc, manager_headers):
    create(post_json, terms_doc, manager_headers)

    exported = client.get("/api/v1/contracts/BOT-NAC-2027/terms", headers=manager_headers)

    assert exported.mimetype == "application/json"
    assert json.loads(exported.data) == terms_doc


def test_unknown_contract_is_404_problem(client, manager_headers):
    response = client.get("/api/v1/contracts/NOPE-1", headers=manager_headers)
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_contract_list_is_paginated(client, post_json, terms_doc, manager_headers):
    for number in range(3):
        doc = copy.deepcopy(terms_doc)
        doc["reference"] = f"REF-{number}"
        create(post_json, doc, manager_headers)

    page = client.get("/api/v1/contracts?page=2&page_size=2", headers=manager_headers)

    assert [c["reference"] for c in page.get_json()] == ["REF-2"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3


def test_simulate_returns_the_engines_answer_and_stores_nothing(
    client, post_json, terms_doc, manager_headers
):
    create(post_json, terms_doc, manager_headers)
    values = {
        "values": {"2027": {"SAFE": "57.5"}},
        "drawdowns": [{"investor": "fund", "on": "2027-01-15", "amount": "8000000"}],
    }

    response = post_json("/api/v1/contracts/BOT-NAC-2027/simulate", values, manager_headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    # SAFE 57.5 against baseline 52 is a change of 5.5: it reaches the tier at 3, not the one at 6.
    safety = answer["periods"][0]["terms"][1]
    assert safety["term"] == "safety"
    assert safety["measure"] == "5.5"
    assert safety["amount"] == "1000000.00"
    assert answer["periods"][0]["payers"] == {
        "botkyrka": "500000.00",
        "nacka": "500000.00",
        "region": "0.00",
    }
    versions = client.get("/api/v1/contracts/BOT-NAC-2027/versions", headers=manager_headers)
    assert len(versions.get_json()) == 1


def test_simulate_reports_every_input_problem(post_json, terms_doc, manager_headers):
    create(post_json, terms_doc, manager_headers)
    values = {
        "values": {"2027": {"SAFE": 57.5, "EMP6": "3"}},
        "drawdowns": [{"investor": "fund", "on": "2027-01-15", "amount": "25000000"}],
    }

    response = post_json("/api/v1/contracts/BOT-NAC-2027/simulate", values, manager_headers)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert len(response.get_json()["errors"]) >= 3


def test_openapi_documents_money_as_decimal_strings(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    party = spec["components"]["schemas"]["Party"]
    assert party["properties"]["commitment"]["type"] == "string"
    assert party["properties"]["commitment"]["format"] == "decimal"
    assert "/api/v1/contracts/{reference}/simulate" in spec["paths"]


def test_docs_page_works_without_internet(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_a_manager_cannot_create_a_contract_its_organisation_is_not_party_to(
    client, post_json, terms_doc, auth_headers
):
    outsider = auth_headers("contract_manager", "elsewhere")

    response = post_json("/api/v1/contracts", terms_doc, outsider)

    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    admin = auth_headers("admin", "elsewhere")
    assert client.get("/api/v1/contracts", headers=admin).get_json() == []
