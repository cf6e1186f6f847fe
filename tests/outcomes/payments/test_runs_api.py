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


def test_only_an_approved_run_can_be_settled_and_each_payer_settles_its_own_share(
    client, people, figures, drawn
):
    run = compute(client, people)
    url = f"{RUNS}/{run['id']}"
    payment = {"settled_on": "2028-04-15", "reference": "BG 5050-1055"}
    assert client.post(f"{url}/settle", json=payment, headers=people["botkyrka"]).status_code == 409
    assert approve_all(client, people, run["id"]).get_json()["status"] == "approved"
    first = client.post(f"{url}/settle", json=payment, headers=people["botkyrka"])
    assert first.status_code == 200
    body = first.get_json()
    assert body["status"] == "approved"  # nacka and region have not paid yet
    assert {p["payer"]: p["settled"] for p in body["payers"]} == {
        "botkyrka": True,
        "nacka": False,
        "region": False,
    }
    again = client.post(f"{url}/settle", json=payment, headers=people["botkyrka"])
    assert (again.status_code, len(again.get_json()["settlements"])) == (200, 1)
    for payer in ("nacka", "region"):
        last = client.post(f"{url}/settle", json=payment, headers=people[payer])
    assert (last.get_json()["status"], last.get_json()["settled_on"]) == ("settled", "2028-04-15")
    assert [(s["organisation"], s["amount"]) for s in last.get_json()["settlements"]] == [
        ("botkyrka", "2200000.00"),
        ("nacka", "1650000.00"),
        ("region", "875000.00"),
    ]


@pytest.mark.parametrize(
    ("settled_on", "message"),
    [
        ("2027-12-30", "is before the end of period 2027 (2027-12-31)"),
        ("2032-01-01", "is after today (2031-12-31): record a payment once it is made"),
    ],
)
def test_a_settlement_date_before_the_period_ends_or_in_the_future_is_refused(
    client, people, figures, drawn, settled_on, message
):
    run = compute(client, people)
    approve_all(client, people, run["id"])
    payment = {"settled_on": settled_on, "reference": "BG 5050-1055"}
    refused = client.post(f"{RUNS}/{run['id']}/settle", json=payment, headers=people["nacka"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [{"path": "$.settled_on", "message": message}]


def test_a_wrong_settlement_is_reversed_by_a_correcting_entry_and_both_are_kept(
    client, people, figures, drawn
):
    run = compute(client, people)
    url = f"{RUNS}/{run['id']}"
    approve_all(client, people, run["id"])
    for payer in ("botkyrka", "nacka", "region"):
        settled = client.post(
            f"{url}/settle",
            headers=people[payer],
            json={"settled_on": "2028-04-15", "reference": f"BG {payer}"},
        )
    wrong = next(s for s in settled.get_json()["settlements"] if s["organisation"] == "nacka")
    # Another payer cannot reverse Nacka's entry; Nacka can.
    reverse = f"{url}/settlements/{wrong['id']}/reverse"
    refused = client.post(reverse, json={"reason": "x"}, headers=people["region"])
    assert refused.status_code == 404
    reversed_ = client.post(
        reverse, json={"reason": "paid to the wrong account"}, headers=people["nacka"]
    ).get_json()
    assert reversed_["status"] == "approved"
    assert [
        (s["kind"], s["amount"], s["reverses"])
        for s in reversed_["settlements"]
        if s["organisation"] == "nacka"
    ] == [("payment", "1650000.00", None), ("reversal", "-1650000.00", wrong["id"])]
    twice = client.post(reverse, json={"reason": "again"}, headers=people["nacka"])
    assert twice.status_code == 409
    again = client.post(
        f"{url}/settle",
        headers=people["nacka"],
        json={"settled_on": "2028-04-20", "reference": "BG 5050-1055 rätt"},
    )
    assert (again.get_json()["status"], again.get_json()["settled_on"]) == ("settled", "2028-04-20")
    events = client.get("/api/v1/audit/events?limit=500", headers=people["auditor"]).get_json()
    actions = [
        e["action"]
        for e in events["events"]
        if e["action"]
        in ("payment_run.settled", "payment_run.settlement_reversed", "payment_run.unsettled")
    ]
    assert actions == [
        "payment_run.settled",
        "payment_run.settlement_reversed",
        "payment_run.unsettled",
        "payment_run.settled",
    ]


def test_a_period_whose_payment_date_is_ahead_is_refused_unless_forecast(
    app, client, people, figures, drawn, monkeypatch
):
    monkeypatch.setitem(app.config, "TODAY", "2028-03-30")  # 2027 is paid on 2028-03-31
    refused = client.post(RUNS, json={"period": "2027"}, headers=people["manager"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0] == {
        "path": "$.period",
        "message": "payment date 2028-03-31 is in the future",
    }
    forecast = client.post(f"{BASE}/forecasts", json={"period": "2027"}, headers=people["manager"])
    assert forecast.status_code == 201
    body = forecast.get_json()
    assert (body["made_on"], body["answer"]["periods"][0]["payers"]["botkyrka"]) == (
        "2028-03-30",
        "2200000.00",
    )
    assert client.get(RUNS, headers=people["manager"]).get_json() == []
    monkeypatch.setitem(app.config, "TODAY", "2028-03-31")
    assert client.post(RUNS, json={"period": "2027"}, headers=people["manager"]).status_code == 201


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


def test_an_identity_number_typed_into_a_payment_reference_is_not_kept(
    client, people, figures, drawn
):
    run = compute(client, people)
    approve_all(client, people, run["id"])
    payment = {"settled_on": "2028-04-15", "reference": "BG 5050-1055 för 19811218-9876"}
    body = client.post(f"{RUNS}/{run['id']}/settle", json=payment, headers=people["nacka"])
    assert "19811218-9876" not in body.get_data(as_text=True)
    assert body.get_json()["settlements"][0]["reference"].startswith("BG 5050-1055 för ")
