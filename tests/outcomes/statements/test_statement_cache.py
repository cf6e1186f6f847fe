"""Statements a worker keeps: each write shows at once, and authorisation is asked every time."""

from decimal import Decimal

import pytest

import outcomes.statements.served
from tests.outcomes.payments.conftest import BASE
from tests.outcomes.statements.test_statements import STATEMENTS

MALAR = STATEMENTS.format(kind="investors", org="malar_fund", suffix="") + "&as_of=2029-04-01"
BOTKYRKA = STATEMENTS.format(kind="payers", org="botkyrka", suffix="")


def run_of(client, people, period):
    runs = client.get(f"{BASE}/payment-runs", headers=people["manager"]).get_json()
    return next(r for r in runs if r["period"] == period)


def settle_all(client, people, run_id, on="2028-04-15"):
    for payer in ("botkyrka", "nacka", "region"):
        answer = client.post(
            f"{BASE}/payment-runs/{run_id}/settle",
            json={"settled_on": on, "reference": f"BG {payer}"},
            headers=people[payer],
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def settled_on(statement, period):
    return next(d["settled_on"] for d in statement["distributions"] if d["period"] == period)


def test_a_settlement_and_its_reversal_show_in_the_next_statement(client, people, approved_both):
    assert settled_on(client.get(MALAR, headers=people["malar"]).get_json(), "2027") is None
    run = run_of(client, people, "2027")
    settled = settle_all(client, people, run["id"])
    assert settled_on(client.get(MALAR, headers=people["malar"]).get_json(), "2027") == (
        "2028-04-15"
    )
    nacka = next(s for s in settled["settlements"] if s["organisation"] == "nacka")
    reversed_ = client.post(
        f"{BASE}/payment-runs/{run['id']}/settlements/{nacka['id']}/reverse",
        json={"reason": "paid to the wrong account"},
        headers=people["nacka"],
    )
    assert reversed_.status_code == 200
    assert settled_on(client.get(MALAR, headers=people["malar"]).get_json(), "2027") is None


def test_the_payer_statement_shows_a_settlement_at_once(client, people, approved_both):
    def settled_2027():
        statement = client.get(BOTKYRKA, headers=people["botkyrka"]).get_json()
        return next(p["settled"] for p in statement["periods"] if p["period"] == "2027")

    assert settled_2027() == "0.00"
    settle_all(client, people, run_of(client, people, "2027")["id"])
    # Botkyrka's 2027 obligation, as the runs' tests settle it
    assert settled_2027() == "2200000.00"


def test_each_day_has_its_own_statement(client, people, approved_both):
    url = STATEMENTS.format(kind="investors", org="malar_fund", suffix="")
    later = client.get(f"{url}&as_of=2029-04-01", headers=people["malar"]).get_json()
    earlier = client.get(f"{url}&as_of=2028-04-01", headers=people["malar"]).get_json()
    assert (later["as_of"], earlier["as_of"]) == ("2029-04-01", "2028-04-01")
    # as test_the_senior_investors_statement works it out by hand
    assert later["return_allowed_to_date"] == "887681.51"
    assert Decimal(earlier["return_allowed_to_date"]) < Decimal("887681.51")


def test_a_kept_statement_is_still_shown_only_to_whom_may_see_it(client, people, approved_both):
    assert client.get(MALAR, headers=people["malar"]).status_code == 200
    assert client.get(MALAR, headers=people["sodertorn"]).status_code == 404
    assert client.get(MALAR, headers=people["botkyrka"]).status_code == 403


@pytest.mark.parametrize(("size", "builds"), [(256, 1), (0, 2)])
def test_a_statement_is_built_once_until_something_is_written(
    app, client, people, approved_both, monkeypatch, size, builds
):
    app.config["STATEMENT_CACHE_SIZE"] = size
    calls = []
    build = outcomes.statements.served.build_investor_statement

    def counted(*args):
        calls.append(args)
        return build(*args)

    monkeypatch.setattr(outcomes.statements.served, "build_investor_statement", counted)
    first = client.get(MALAR, headers=people["malar"]).get_json()
    second = client.get(MALAR, headers=people["malar"]).get_json()
    assert first == second
    assert len(calls) == builds
    settle_all(client, people, run_of(client, people, "2027")["id"])
    client.get(MALAR, headers=people["malar"])
    assert len(calls) == builds + 1
