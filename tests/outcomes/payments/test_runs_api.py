"""The payment-runs API: who may do what, statuses that never go back, the CLI."""

import pytest

from tests.outcomes.payments.conftest import BASE

RUNS = f"{BASE}/payment-runs"


def compute(client, people, period="2027"):
    response = client.post(RUNS, json={"period": period}, headers=people["manager"])
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def approve_all(client, people, run_id):
    for payer in ("botkyrka", "nacka", "region"):
        last = client.post(f"{RUNS}/{run_id}/approve", json={}, headers=people[payer])
    return last


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 201), ("admin", 201), ("botkyrka", 403), ("malar", 403), ("evaluator", 403)],
)
def test_who_may_compute_a_run(client, people, figures, drawn, who, status):
    response = client.post(RUNS, json={"period": "2027"}, headers=people[who])
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("auditor", 200), ("nacka", 200), ("manager", 200), ("malar", 403), ("stranger", 404)],
)
def test_who_may_read_a_run(client, people, figures, drawn, who, status):
    run = compute(client, people)
    assert client.get(f"{RUNS}/{run['id']}", headers=people[who]).status_code == status


def test_an_unknown_period_is_refused_naming_the_known_ones(client, people, figures, drawn):
    response = client.post(RUNS, json={"period": "2031"}, headers=people["manager"])
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == "must be one of 2027, 2028, 2029, 2030"


def test_an_investor_lists_only_its_own_drawdowns(client, people, drawn):
    own = client.get(f"{BASE}/drawdowns", headers=people["malar"]).get_json()
    every = client.get(f"{BASE}/drawdowns", headers=people["manager"]).get_json()
    assert [d["investor"] for d in own] == ["malar_fund"]
    assert sorted(d["investor"] for d in every) == ["malar_fund", "sodertorn_impact"]


def test_only_an_approved_run_can_be_settled_and_a_settled_one_never_changes(
    client, people, figures, drawn
):
    run = compute(client, people)
    url = f"{RUNS}/{run['id']}"
    payment = {"settled_on": "2028-03-31", "reference": "BG 5050-1055"}
    assert client.post(f"{url}/settle", json=payment, headers=people["manager"]).status_code == 409
    assert approve_all(client, people, run["id"]).get_json()["status"] == "approved"
    assert client.post(f"{url}/settle", json=payment, headers=people["manager"]).status_code == 200
    again = client.post(f"{url}/settle", json=payment, headers=people["manager"])
    assert again.status_code == 409


def test_an_admin_approves_for_a_named_payer(client, people, figures, drawn):
    run = compute(client, people)
    response = client.post(
        f"{RUNS}/{run['id']}/approve", json={"payer": "region"}, headers=people["admin"]
    )
    approved = {p["payer"]: p["approved_by"] is not None for p in response.get_json()["payers"]}
    assert approved == {"botkyrka": False, "nacka": False, "region": True}


def test_a_newer_run_for_the_same_period_supersedes_the_draft(client, people, figures, drawn):
    first = compute(client, people)
    figures["values"]["2027"]["SAFE"] = "57"
    second = compute(client, people)
    listed = client.get(f"{RUNS}?period=2027", headers=people["manager"]).get_json()
    assert [(r["id"], r["status"]) for r in listed] == [
        (second["id"], "draft"),
        (first["id"], "superseded"),
    ]
    refused = client.post(f"{RUNS}/{first['id']}/approve", json={}, headers=people["nacka"])
    assert refused.status_code == 409


def test_a_draft_taken_against_an_older_approved_position_is_computed_again(
    client, people, figures, drawn
):
    later = compute(client, people, "2028")
    approve_all(client, people, compute(client, people, "2027")["id"])
    # The 2028 draft's differences were taken when nothing was approved; the last approval is
    # refused until it is computed against what is approved now (approvals start over).
    assert approve_all(client, people, later["id"]).status_code == 409
    again = compute(client, people, "2028")
    assert again["id"] == later["id"]
    assert approve_all(client, people, later["id"]).get_json()["status"] == "approved"


def test_the_cli_computes_a_run_once(runner, figures, drawn):
    first = runner.invoke(args=["runs", "compute", "BOT-NAC-2027", "2027"])
    second = runner.invoke(args=["runs", "compute", "BOT-NAC-2027", "2027"])
    assert first.exit_code == 0, first.output
    assert "(stored, draft): botkyrka 2200000" in first.output
    assert "unchanged" in second.output
    wrong = runner.invoke(args=["runs", "compute", "BOT-NAC-2027", "1999"])
    assert wrong.exit_code == 1
