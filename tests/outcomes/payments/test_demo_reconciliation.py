"""The demo contract over its four periods, through the API: every run reconciles to the minor
unit, the yearly cap's held-back and carried money and the guarantee are lines of their own,
the guarantor approves and settles its guarantee, and the statements agree with the runs.

The figures are the demo's (examples/demo-input.json); the amounts are the engine's answer for
them, checked by hand in tests/terms/test_examples.py and docs/payments.md.
"""

import json
from pathlib import Path

import pytest

from tests.outcomes.payments.conftest import BASE

DEMO_INPUT = Path(__file__).resolve().parents[3] / "examples" / "demo-input.json"
RUNS = f"{BASE}/payment-runs"
PAYERS = ("botkyrka", "nacka", "region")
#: what each period's run owes in all: its term amounts (2027: jobs 900 000 + training 100 000
#: + attendance 187 500; 2028: 1 340 000 + 120 000 + 800 000 + 750 000 + 300 000), less the
#: 265 000 Botkyrka's cap holds back in 2029 (5 632 500 of terms), plus it carried in 2030
#: (4 320 000 of terms) and the guarantee of 276 609.59
OWED = {"2027": "1187500.00", "2028": "3310000.00", "2029": "5367500.00", "2030": "4861609.59"}


@pytest.fixture
def demo_figures(monkeypatch, demo_contract, client, auth_headers):
    values = json.loads(DEMO_INPUT.read_text(encoding="utf-8"))

    def engine_values(contract, *, as_of=None):
        return {"values": values["values"], "participants": list(values["participants"])}

    monkeypatch.setattr("outcomes.payments.inputs.engine_values", engine_values)
    manager = auth_headers("contract_manager", "utfall")
    for row in values["drawdowns"]:
        response = client.post(f"{BASE}/drawdowns", json=row, headers=manager)
        assert response.status_code == 201, response.get_data(as_text=True)
    people = {org: auth_headers("finance_officer", org) for org in (*PAYERS, "trygga")}
    return {
        **people,
        "manager": manager,
        "auditor": auth_headers("auditor", "elsewhere"),
        "sodertorn": auth_headers("investor", "sodertorn_impact"),
    }


def run_through(client, people, label) -> dict:
    run = client.post(RUNS, json={"period": label}, headers=people["manager"]).get_json()
    for obligation in run["payers"]:
        approved = client.post(
            f"{RUNS}/{run['id']}/approve", json={}, headers=people[obligation["payer"]]
        )
        assert approved.status_code == 200, approved.get_data(as_text=True)
    for org in dict.fromkeys(o["payer"] for o in run["payers"]):
        settled = client.post(
            f"{RUNS}/{run['id']}/settle",
            headers=people[org],
            json={"settled_on": "2031-06-30", "reference": f"BG {org}"},
        )
        assert settled.status_code == 200, settled.get_data(as_text=True)
    return settled.get_json()


def test_every_run_of_the_demo_reconciles_to_the_minor_unit(client, demo_figures):
    runs = {label: run_through(client, demo_figures, label) for label in OWED}
    for label, run in runs.items():
        proof = client.post(f"{RUNS}/{run['id']}/replay", headers=demo_figures["auditor"])
        totals = proof.get_json()["reconciliation"]
        assert totals == {"lines": OWED[label], "owed": OWED[label], "received": OWED[label]}
        assert proof.get_json()["reconciles"] is True
        assert run["status"] == "settled"
    # 2029: Botkyrka's yearly cap holds back 265 000; 2030 carries it in and settles the
    # guarantee: 4 320 000 of terms + 265 000 carried + 276 609.59 guaranteed.
    held = [
        (ln["kind"], ln["organisation"], ln["amount"])
        for ln in runs["2029"]["lines"]
        if ln["kind"] != "payment"
    ]
    assert held == [("held_back", "botkyrka", "-265000.00")]
    extra = [
        (ln["kind"], ln["organisation"], ln.get("investor"), ln["amount"])
        for ln in runs["2030"]["lines"]
        if ln["kind"] != "payment"
    ]
    assert extra == [
        ("carried", "botkyrka", None, "265000.00"),
        ("guarantee", "trygga", "sodertorn_impact", "276609.59"),
    ]
    terms_2030 = sum(
        int(ln["amount"].replace(".", ""))
        for ln in runs["2030"]["lines"]
        if ln["kind"] == "payment"
    )
    assert terms_2030 == 432000000  # 4 320 000.00 in öre
    obligations = [(o["payer"], o["kind"], o["amount"]) for o in runs["2030"]["payers"]]
    assert ("trygga", "guarantee", "276609.59") in obligations
    assert [(i["investor"], i["guarantee"]) for i in runs["2030"]["investors"]] == [
        ("malar_fund", "0.00"),
        ("sodertorn_impact", "276609.59"),
    ]


def test_after_the_last_period_is_settled_the_investor_knows_its_final_figures(
    client, demo_figures
):
    for label in OWED:
        run_through(client, demo_figures, label)
    url = "/api/v1/investors/sodertorn_impact/statements?contract=BOT-NAC-2027&as_of=2031-12-31"
    s = client.get(url, headers=demo_figures["sodertorn"]).get_json()
    assert s["final"] is True
    assert s["guarantee_received"] == "276609.59"
    assert s["outstanding_principal"] == "0.00"
    # Best case and worst case are what was received: nothing more can come.
    assert s["best_case"]["money_back"] == s["worst_case"]["money_back"] == s["money_back"]
    assert s["best_case"]["still_to_come"] == s["worst_case"]["still_to_come"] == "0.00"
    # Settled on 2031-06-30, after the payment dates: shown apart, not mixed into the XIRR.
    assert s["settlement_timing"]["periods"][0]["settled_on"] == "2031-06-30"
    assert s["xirr_to_date"] != s["settlement_timing"]["xirr_on_settlement_dates"]
    trygga = client.get(
        "/api/v1/payers/trygga/statements?contract=BOT-NAC-2027", headers=demo_figures["trygga"]
    ).get_json()
    assert (trygga["guarantee_approved"], trygga["guarantee_settled"]) == ("276609.59", "276609.59")
