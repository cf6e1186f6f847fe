"""Who may act inside a contract (issue 9): the user's role AND its organisation's role in it.

Every case goes through the API on the demo contract (examples/demo-terms.json): Botkyrka,
Nacka and the region pay for outcomes, Mälarstaden and Södertörn invest, Framsteg provides,
Utfall is the intermediary, the institute (`evaluator`) evaluates and Trygga guarantees. Here
Nacka is also named as reporting outcome data (`"x_reports_outcomes": true`). The expected
status of each case is written in the table, never computed from sib.policy.
"""

import io
import json
from datetime import date
from pathlib import Path

import pytest

from contracts import service
from sib.actor import Actor
from sib.extensions import db
from tests.outcomes.submissions.workbooks import XLSX, filled

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"
BASE = "/api/v1/contracts/BOT-NAC-2027"
#: the service answered (its own 2xx, 409 or 422): the access rule let the request through.
#: Used only where the answer past the rule belongs to another part (settling a payment run).
PAST_THE_RULE = "past the rule"


def demo_terms(*, botkyrka_evaluates: bool = False) -> dict:
    """The demo terms, reported for the whole area, with Nacka reporting outcome data."""
    terms = json.loads(DEMO.read_text(encoding="utf-8"))
    for metric in terms["metrics"]:
        metric.pop("x_areas", None)
    for party in terms["parties"]:
        if party["organisation"] == "nacka":
            party["x_reports_outcomes"] = True
    if botkyrka_evaluates:
        # the state seen in issue 9: a payer that reports outcome data and evaluates it too
        terms["parties"][0]["x_reports_outcomes"] = True
        terms["parties"].append({"organisation": "botkyrka", "role": "evaluator"})
    return terms


def values_2027() -> list:
    return [("SAFE", "2027", None, 56, None), ("SAFE_CG", "2027", None, 52, None),
            ("ABSENCE", "2027", None, 8, None)]  # fmt: skip


def jobs_2027(count: int) -> list:
    return [(f"P-{n:03d}", "EMP6", "2027", date(2027, 6, 1), None) for n in range(1, count + 1)]


class World:
    """The demo contract and what the cases act on, made on demand as the right people would."""

    def __init__(self, client, auth_headers):
        self.client, self._auth_headers, self._headers = client, auth_headers, {}

    def headers(self, role: str, organisation: str) -> dict:
        if (role, organisation) not in self._headers:
            self._headers[role, organisation] = self._auth_headers(role, organisation)
        return self._headers[role, organisation]

    def upload(self, headers: dict, rows: int = 10):
        template = self.client.get(f"{BASE}/template.xlsx", headers=self.headers("admin", "x"))
        data = filled(template.data, values_2027(), jobs_2027(rows))
        return self.client.post(
            f"{BASE}/submissions",
            headers=headers,
            data={"file": (io.BytesIO(data), "outcomes.xlsx", XLSX)},
            content_type="multipart/form-data",
        )

    def submission(self, organisation="framsteg") -> int:
        answer = self.upload(self.headers("finance_officer", organisation))
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return answer.get_json()["id"]

    def verified(self) -> int:
        submission = self.submission()
        url = f"{BASE}/submissions/{submission}/verify"
        answer = self.client.post(url, json={}, headers=self.headers("evaluator", "evaluator"))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return submission

    def run(self, *, approved: bool = False) -> int:
        self.verified()
        manager = self.headers("contract_manager", "utfall")
        answer = self.client.post(f"{BASE}/payment-runs", json={"period": "2027"}, headers=manager)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        run = answer.get_json()["id"]
        for payer in ("botkyrka", "nacka", "region") if approved else ():
            url = f"{BASE}/payment-runs/{run}/approve"
            self.client.post(url, json={}, headers=self.headers("finance_officer", payer))
        return run

    def amendment(self) -> int:
        answer = self.client.post(
            f"{BASE}/amendments",
            json=price_cut(),
            headers=self.headers("contract_manager", "utfall"),
        )
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return answer.get_json()["id"]


def price_cut() -> dict:
    """The amendment seen in issue 9: the jobs price from 150 000 to 1, Botkyrka as evaluator."""
    terms = demo_terms()
    terms["terms"][0]["price"] = "1"
    terms["parties"].append({"organisation": "botkyrka", "role": "evaluator"})
    return {"effective_from": "2028-01-01", "reason": "Cheaper jobs", "terms": terms}


#: action -> how its request is made: (world, headers) -> response
REQUESTS = {
    "contract.amend": lambda w, h: w.client.post(f"{BASE}/versions", json=price_cut(), headers=h),
    "amendment.propose": lambda w, h: w.client.post(
        f"{BASE}/amendments", json=price_cut(), headers=h
    ),
    "amendment.accept": lambda w, h: w.client.post(
        f"{BASE}/amendments/{w.amendment()}/accept", json={}, headers=h
    ),
    "amendment.reject": lambda w, h: w.client.post(
        f"{BASE}/amendments/{w.amendment()}/reject", json={"comment": "No."}, headers=h
    ),
    "submission.upload": lambda w, h: w.upload(h, rows=3),
    "submission.verify": lambda w, h: w.client.post(
        f"{BASE}/submissions/{w.submission()}/verify", json={}, headers=h
    ),
    "submission.read": lambda w, h: w.client.get(f"{BASE}/submissions", headers=h),
    "template.read": lambda w, h: w.client.get(f"{BASE}/template.xlsx", headers=h),
    "contract.simulate": lambda w, h: w.client.post(
        f"{BASE}/simulate", json={"values": {}}, headers=h
    ),
    "drawdown.record": lambda w, h: w.client.post(
        f"{BASE}/drawdowns",
        json={"investor": "malar_fund", "on": "2027-01-01", "amount": "1000"},
        headers=h,
    ),
    "payment_run.compute": lambda w, h: (
        w.verified(),
        w.client.post(f"{BASE}/payment-runs", json={"period": "2027"}, headers=h),
    )[1],
    "payment_run.read": lambda w, h: w.client.get(f"{BASE}/payment-runs/{w.run()}", headers=h),
    "payment_run.approve": lambda w, h: w.client.post(
        f"{BASE}/payment-runs/{w.run()}/approve", json={}, headers=h
    ),
    "payment_run.settle": lambda w, h: w.client.post(
        f"{BASE}/payment-runs/{w.run(approved=True)}/settle",
        json={"settled_on": "2026-12-01", "reference": "BG 5050-1055"},
        headers=h,
    ),
}

CASES = [
    # user role         organisation        its role in the contract  action                 expected  # noqa: E501
    # amendments: proposed by the intermediary's contract manager; an admin amends directly
    ("contract_manager", "utfall",          "intermediary",  "amendment.propose",   201),
    ("contract_manager", "botkyrka",        "outcome_payer", "amendment.propose",   403),
    ("contract_manager", "malar_fund",      "investor",      "amendment.propose",   403),
    ("contract_manager", "evaluator",       "evaluator",     "amendment.propose",   403),
    ("finance_officer",  "utfall",          "intermediary",  "amendment.propose",   403),
    ("contract_manager", "elsewhere",       None,            "amendment.propose",   404),
    ("contract_manager", "utfall",          "intermediary",  "contract.amend",      403),
    ("contract_manager", "botkyrka",        "outcome_payer", "contract.amend",      403),
    ("admin",            "elsewhere",       None,            "contract.amend",      201),
    # ... accepted or rejected by the parties whose money it changes (the jobs price: the three
    # payers of that term and both investors), each for itself
    ("finance_officer",  "botkyrka",        "outcome_payer", "amendment.accept",    200),
    ("contract_manager", "nacka",           "outcome_payer", "amendment.accept",    200),
    ("finance_officer",  "malar_fund",      "investor",      "amendment.accept",    200),
    ("finance_officer",  "sodertorn_impact", "investor",     "amendment.reject",    200),
    ("finance_officer",  "trygga",          "guarantor",     "amendment.accept",    403),
    ("finance_officer",  "framsteg",        "provider",      "amendment.accept",    403),
    ("contract_manager", "utfall",          "intermediary",  "amendment.accept",    403),
    ("investor",         "malar_fund",      "investor",      "amendment.accept",    403),
    ("evaluator",        "botkyrka",        "outcome_payer", "amendment.reject",    403),
    ("admin",            "elsewhere",       None,            "amendment.accept",    403),
    # outcome data: uploaded by the provider, the intermediary or a payer named as reporting
    ("finance_officer",  "framsteg",        "provider",      "submission.upload",   201),
    ("finance_officer",  "utfall",          "intermediary",  "submission.upload",   201),
    ("finance_officer",  "nacka",           "outcome_payer", "submission.upload",   201),
    ("finance_officer",  "botkyrka",        "outcome_payer", "submission.upload",   403),
    ("finance_officer",  "malar_fund",      "investor",      "submission.upload",   403),
    ("finance_officer",  "evaluator",       "evaluator",     "submission.upload",   403),
    ("finance_officer",  "trygga",          "guarantor",     "submission.upload",   403),
    ("contract_manager", "framsteg",        "provider",      "submission.upload",   403),
    ("finance_officer",  "elsewhere",       None,            "submission.upload",   404),
    # ... and verified by the contract's evaluator only
    ("evaluator",        "evaluator",       "evaluator",     "submission.verify",   200),
    ("evaluator",        "botkyrka",        "outcome_payer", "submission.verify",   403),
    ("evaluator",        "framsteg",        "provider",      "submission.verify",   403),
    ("finance_officer",  "evaluator",       "evaluator",     "submission.verify",   403),
    # participant-level rows and the template: never an investor organisation's
    ("finance_officer",  "botkyrka",        "outcome_payer", "submission.read",     200),
    ("finance_officer",  "malar_fund",      "investor",      "submission.read",     403),
    ("contract_manager", "malar_fund",      "investor",      "template.read",       403),
    ("finance_officer",  "framsteg",        "provider",      "template.read",       200),
    # simulations and payment runs list every investor's distribution
    ("finance_officer",  "malar_fund",      "investor",      "contract.simulate",   403),
    ("finance_officer",  "region",          "outcome_payer", "contract.simulate",   200),
    ("finance_officer",  "malar_fund",      "investor",      "payment_run.read",    403),
    ("finance_officer",  "botkyrka",        "outcome_payer", "payment_run.read",    200),
    # money: capital calls and runs by the intermediary; approvals and settlement by payers
    ("contract_manager", "utfall",          "intermediary",  "drawdown.record",     201),
    ("contract_manager", "malar_fund",      "investor",      "drawdown.record",     403),
    ("contract_manager", "utfall",          "intermediary",  "payment_run.compute", 201),
    ("contract_manager", "botkyrka",        "outcome_payer", "payment_run.compute", 403),
    ("finance_officer",  "botkyrka",        "outcome_payer", "payment_run.approve", 200),
    ("finance_officer",  "malar_fund",      "investor",      "payment_run.approve", 403),
    ("finance_officer",  "framsteg",        "provider",      "payment_run.approve", 403),
    ("finance_officer",  "botkyrka",        "outcome_payer", "payment_run.settle",  PAST_THE_RULE),
    ("contract_manager", "region",          "outcome_payer", "payment_run.settle",  PAST_THE_RULE),
    ("finance_officer",  "malar_fund",      "investor",      "payment_run.settle",  403),
    ("contract_manager", "utfall",          "intermediary",  "payment_run.settle",  403),
]  # fmt: skip


@pytest.fixture
def world(app, client, auth_headers):
    service.import_contract(demo_terms(), Actor.system("test"))
    db.session.commit()
    return World(client, auth_headers)


def roles_of(world: World, organisation: str) -> set[str]:
    contract = world.client.get(BASE, headers=world.headers("auditor", "x")).get_json()
    return {p["role"] for p in contract["parties"] if p["organisation"]["id"] == organisation}


@pytest.mark.parametrize(("role", "organisation", "contract_role", "action", "expected"), CASES)
def test_each_action_answers_by_user_role_and_contract_role(
    world, role, organisation, contract_role, action, expected
):
    # the table's third column says what the demo terms make the organisation
    assert contract_role in roles_of(world, organisation) or contract_role is None
    response = REQUESTS[action](world, world.headers(role, organisation))
    body = response.get_data()[:500]
    if expected == PAST_THE_RULE:
        assert response.status_code in (200, 409, 422), body
    else:
        assert response.status_code == expected, body


@pytest.fixture
def self_checking(app, client, auth_headers):
    """Botkyrka pays, reports outcome data and, since an amendment, evaluates too."""
    service.import_contract(demo_terms(botkyrka_evaluates=True), Actor.system("test"))
    db.session.commit()
    return World(client, auth_headers)


@pytest.mark.parametrize(
    ("uploader",  "checker",   "verdict", "expected"),
    [
        ("botkyrka",  "botkyrka",  "verify",  403),  # seen in issue 9: it verified its own upload
        ("botkyrka",  "botkyrka",  "dispute", 403),
        ("botkyrka",  "evaluator", "verify",  200),
        ("framsteg",  "botkyrka",  "verify",  200),
        ("framsteg",  "botkyrka",  "dispute", 200),
    ],
)  # fmt: skip
def test_the_organisation_that_uploaded_never_verifies(
    self_checking, uploader, checker, verdict, expected
):
    submission = self_checking.submission(organisation=uploader)
    response = self_checking.client.post(
        f"{BASE}/submissions/{submission}/{verdict}",
        json={"comment": "Checked against the register."},
        headers=self_checking.headers("evaluator", checker),
    )
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 403:
        assert "maker-checker" in response.get_json()["detail"]
