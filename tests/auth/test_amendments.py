"""Amendments (issue 9): proposed by one party, in force once each party whose money it moves
accepts; every step in the audit log. Expected parties and statuses are written here."""

import copy

import pytest
from sqlalchemy import select

from contracts import service
from contracts.amendments import affected_parties
from sib.actor import Actor
from sib.audit import AuditEvent
from sib.extensions import db
from tests.auth.test_contract_roles import BASE, World, demo_terms, price_cut
from tests.terms.documents import terms_md_example

PAYER, INVESTOR, GUARANTOR = "outcome_payer", "investor", "guarantor"
EVERY_PAYER_AND_INVESTOR = {
    "botkyrka": {PAYER}, "nacka": {PAYER}, "region": {PAYER},
    "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR},
}  # fmt: skip


def edit(change) -> dict:
    terms = demo_terms()
    change(terms)
    return terms


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # the title and `x_` notes move nobody's money
        (lambda t: t.update(title="New title"), {}),
        (lambda t: t["terms"][0].update(x_clause="4.2"), {}),
        # the jobs term has no payers of its own: the default payers pay it
        (lambda t: t["terms"][0].update(price="1"), EVERY_PAYER_AND_INVESTOR),
        # the training term is paid by Botkyrka and Nacka only
        (lambda t: t["terms"][1].update(price="1"),
         {"botkyrka": {PAYER}, "nacka": {PAYER},
          "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["terms"].pop(1),
         {"botkyrka": {PAYER}, "nacka": {PAYER},
          "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["terms"].insert(0, t["terms"].pop(1)), EVERY_PAYER_AND_INVESTOR),
        (lambda t: t["parties"][0].update(yearly_cap="1"),
         {"botkyrka": {PAYER}, "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["payer_shares"].update(nacka="0.25", region="0.30"),
         {"nacka": {PAYER}, "region": {PAYER},
          "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["tranches"][0]["return_cap"].update(rate="0.04"),
         {"malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["parties"][3].update(commitment="9000000"),
         {"malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["guarantees"][0].update(cap="2000000"),
         {"trygga": {GUARANTOR}, "malar_fund": {INVESTOR}, "sodertorn_impact": {INVESTOR}}),
        (lambda t: t["caps"].update(outcome_total="1"), EVERY_PAYER_AND_INVESTOR),
        # not understood in detail, so everyone who pays or invests: a new party, periods
        (lambda t: t["parties"].append({"organisation": "botkyrka", "role": "evaluator"}),
         EVERY_PAYER_AND_INVESTOR),
        (lambda t: t["periods"][0].update(deadline="2028-06-30"), EVERY_PAYER_AND_INVESTOR),
        # naming a payer as reporting changes who reports the figures every payer pays for
        (lambda t: t["parties"][1].update(x_reports_outcomes=False), EVERY_PAYER_AND_INVESTOR),
    ],
)  # fmt: skip
def test_the_parties_asked_are_those_whose_money_the_change_moves(change, expected):
    assert affected_parties(demo_terms(), edit(change)) == expected


@pytest.fixture
def world(app, client, auth_headers):
    service.import_contract(demo_terms(), Actor.system("test"))
    db.session.commit()
    return World(client, auth_headers)


def answer(world, amendment, organisation, verdict="accept", role="finance_officer", comment=""):
    return world.client.post(
        f"{BASE}/amendments/{amendment}/{verdict}",
        json={"comment": comment},
        headers=world.headers(role, organisation),
    )


def actions() -> list[str]:
    """The audit log's amendment events and new versions, oldest first."""
    kinds = ("amendment", "contract_version")
    query = select(AuditEvent.action).where(AuditEvent.entity_type.in_(kinds))
    return db.session.scalars(query.order_by(AuditEvent.seq)).all()


def test_an_amendment_takes_effect_when_the_last_affected_party_accepts(world):
    amendment = world.amendment()
    read = world.client.get(f"{BASE}/amendments/{amendment}", headers=world.headers("auditor", "x"))
    body = read.get_json()
    assert body["status"] == "proposed"
    assert {a["organisation"]: a["affected_as"] for a in body["answers"]} == {
        "botkyrka": [PAYER], "nacka": [PAYER], "region": [PAYER],
        "malar_fund": [INVESTOR], "sodertorn_impact": [INVESTOR],
    }  # fmt: skip
    assert {"path": '$.terms[?@.id=="jobs"].price', "change": "changed", "before": "150000",
            "after": "1"} in body["changes"]  # fmt: skip

    for organisation in ("botkyrka", "nacka", "region", "malar_fund"):
        assert answer(world, amendment, organisation).get_json()["status"] == "proposed"
    versions = world.client.get(f"{BASE}/versions", headers=world.headers("auditor", "x"))
    assert len(versions.get_json()) == 1
    last = answer(world, amendment, "sodertorn_impact", role="contract_manager").get_json()

    assert (last["status"], last["version"]) == ("in_force", 2)
    terms = world.client.get(f"{BASE}/terms", headers=world.headers("auditor", "x")).get_json()
    assert terms["terms"][0]["price"] == "1"
    assert actions() == ["amendment.proposed"] + ["amendment.accepted"] * 5 + ["contract.amended"]


def test_one_rejection_ends_an_amendment(world):
    amendment = world.amendment()
    assert answer(world, amendment, "botkyrka").status_code == 200
    rejected = answer(world, amendment, "nacka", "reject", comment="Our price stays.")
    assert rejected.get_json()["status"] == "rejected"
    assert answer(world, amendment, "region").status_code == 409
    assert actions() == ["amendment.proposed", "amendment.accepted", "amendment.rejected"]


def test_a_rejection_says_why(world):
    response = answer(world, world.amendment(), "nacka", "reject")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "$.comment"


def test_a_party_answers_once(world):
    amendment = world.amendment()
    assert answer(world, amendment, "botkyrka").status_code == 200
    assert answer(world, amendment, "botkyrka", role="contract_manager").status_code == 409


def test_an_amendment_lapses_when_another_version_takes_effect_first(world):
    amendment = world.amendment()
    terms = demo_terms()
    terms["title"] = "Corrected by the admin"
    direct = world.client.post(
        f"{BASE}/versions",
        json={"effective_from": "2027-06-01", "reason": "Typo", "terms": terms},
        headers=world.headers("admin", "x"),
    )
    assert direct.status_code == 201
    assert answer(world, amendment, "botkyrka").status_code == 409
    listed = world.client.get(f"{BASE}/amendments", headers=world.headers("auditor", "x"))
    assert [a["status"] for a in listed.get_json()] == ["lapsed"]


def test_an_amendment_that_moves_no_money_takes_effect_at_once(world):
    terms = demo_terms()
    terms["description"] = "Now with a better description."
    response = world.client.post(
        f"{BASE}/amendments",
        json={"effective_from": "2028-01-01", "reason": "Wording", "terms": terms},
        headers=world.headers("contract_manager", "utfall"),
    )
    assert response.status_code == 201
    assert (response.get_json()["status"], response.get_json()["answers"]) == ("in_force", [])
    assert actions() == ["amendment.proposed", "contract.amended"]


def test_a_proposal_that_cannot_apply_stores_nothing(world):
    cut = price_cut()
    cut["terms"]["currency"] = "EUR"
    cut["effective_from"] = "2026-01-01"
    response = world.client.post(
        f"{BASE}/amendments", json=cut, headers=world.headers("contract_manager", "utfall")
    )
    assert response.status_code == 422
    assert {e["path"] for e in response.get_json()["errors"]} == {
        "$.terms.currency", "$.effective_from"
    }  # fmt: skip
    assert actions() == []


def test_the_owner_of_a_contract_without_intermediary_proposes_and_so_accepts(
    client, post_json_as_botkyrka
):
    amended = copy.deepcopy(terms_md_example())
    amended["terms"][0]["price"] = "1"
    response = post_json_as_botkyrka(
        "/api/v1/contracts/BOT-NAC-2027/amendments",
        {"effective_from": "2028-01-01", "reason": "Cheaper", "terms": amended},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    answers = {a["organisation"]: a["answer"] for a in response.get_json()["answers"]}
    assert answers == {"botkyrka": "accepted", "nacka": "pending", "region": "pending",
                       "fund": "pending"}  # fmt: skip


@pytest.fixture
def post_json_as_botkyrka(client, auth_headers):
    """Botkyrka's contract manager, who created the TERMS.md example contract (its owner)."""
    headers = auth_headers("contract_manager", "botkyrka")
    created = client.post("/api/v1/contracts", json=terms_md_example(), headers=headers)
    assert created.status_code == 201

    def post(url, body):
        return client.post(url, json=body, headers=headers)

    return post
