"""End to end through the API: upload, verify, run, approve, settle, correct, adjust, statements."""

import copy
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from contracts import service
from sib.extensions import db
from tests.outcomes.payments.conftest import BASE, SYSTEM
from tests.outcomes.submissions.workbooks import XLSX, filled

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo-terms.json"


@pytest.fixture
def demo_contract(app):
    """The demo contract with its metrics reported for the whole area (no per-area breakdown),
    so that the surveyed percentages reach the engine as one figure each."""
    terms = json.loads(DEMO.read_text(encoding="utf-8"))
    for metric in terms["metrics"]:
        metric.pop("x_areas", None)
    contract = service.import_contract(copy.deepcopy(terms), SYSTEM)
    db.session.commit()
    return contract


def values_2027():
    return [("SAFE", "2027", None, 56, None), ("SAFE_CG", "2027", None, 52, None),
            ("ABSENCE", "2027", None, 8, None)]  # fmt: skip


def jobs_2027(count):
    return [(f"P-{n:03d}", "EMP6", "2027", date(2027, 6, 1), None) for n in range(1, count + 1)]


def test_the_whole_story_from_upload_to_statements(client, people):
    template = client.get(f"{BASE}/template.xlsx", headers=people["provider"]).data

    def upload_and_verify(data, name):
        answer = client.post(f"{BASE}/submissions", headers=people["provider"],
                             data={"file": (io.BytesIO(data), name, XLSX)},
                             content_type="multipart/form-data")  # fmt: skip
        assert answer.status_code == 201, answer.get_data(as_text=True)
        sid = answer.get_json()["id"]
        verified = client.post(f"{BASE}/submissions/{sid}/verify", json={},
                               headers=people["evaluator"])  # fmt: skip
        assert verified.status_code == 200, verified.get_data(as_text=True)

    for investor, amount in (("malar_fund", "10000000"), ("sodertorn_impact", "5000000")):
        response = client.post(
            f"{BASE}/drawdowns",
            headers=people["manager"],
            json={"investor": investor, "on": "2027-01-01", "amount": amount},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
    too_much = client.post(
        f"{BASE}/drawdowns",
        headers=people["manager"],
        json={"investor": "malar_fund", "on": "2027-02-01", "amount": "1"},
    )
    assert too_much.status_code == 422
    assert "commitment" in too_much.get_json()["detail"]

    upload_and_verify(filled(template, values_2027(), jobs_2027(10)), "outcomes-2027.xlsx")
    first = client.post(f"{BASE}/payment-runs", json={"period": "2027"}, headers=people["manager"])
    assert first.status_code == 201, first.get_data(as_text=True)
    run = first.get_json()
    again = client.post(f"{BASE}/payment-runs", json={"period": "2027"}, headers=people["manager"])
    assert (again.status_code, again.get_json()["id"]) == (200, run["id"])
    # Hand-computed in test_waterfall: botkyrka capped at 2 200 000 of 2 475 000.
    assert {p["payer"]: p["amount"] for p in run["payers"]} == {
        "botkyrka": "2200000.00", "nacka": "1650000.00", "region": "875000.00"}  # fmt: skip

    url = f"{BASE}/payment-runs/{run['id']}"
    other = client.post(f"{url}/approve", json={"payer": "botkyrka"}, headers=people["nacka"])
    assert other.status_code == 403
    for payer in ("botkyrka", "nacka"):
        partial = client.post(f"{url}/approve", json={}, headers=people[payer])
        assert partial.get_json()["status"] == "draft"
    approved = client.post(f"{url}/approve", json={}, headers=people["region"]).get_json()
    assert approved["status"] == "approved"
    assert client.get(url, headers=people["stranger"]).status_code == 404
    # Each payer settles its own share; the run is settled once all three have paid.
    for payer in ("botkyrka", "nacka", "region"):
        settled = client.post(
            f"{url}/settle",
            headers=people[payer],
            json={"settled_on": "2028-03-31", "reference": f"BG 5050-1055 {payer}"},
        )
    assert settled.get_json()["status"] == "settled"
    assert client.post(f"{url}/approve", json={}, headers=people["region"]).status_code == 409

    # The correction: an eleventh participant in work in 2027.
    upload_and_verify(filled(template, values_2027(), jobs_2027(11)), "outcomes-2027-fixed.xlsx")
    corrected = client.post(f"{BASE}/payment-runs", json={"period": "2027"},
                            headers=people["manager"]).get_json()  # fmt: skip
    assert corrected["id"] != run["id"]
    assert [(ln["kind"], ln["term"], ln["amount"]) for ln in corrected["lines"]] == [
        ("adjustment", "jobs", "150000.00"), ("held_back", "-", "-67500.00")]  # fmt: skip
    # +150 000 on jobs: botkyrka's 67 500 share is held back by its cap, nacka +45 000,
    # region +37 500; the senior investor +82 500 of principal. The lines add up to it.
    assert {p["payer"]: p["amount"] for p in corrected["payers"]} == {
        "botkyrka": "0.00", "nacka": "45000.00", "region": "37500.00"}  # fmt: skip
    unchanged = client.get(url, headers=people["manager"]).get_json()
    assert unchanged["payers"] == settled.get_json()["payers"]
    for payer in ("botkyrka", "nacka", "region"):
        client.post(
            f"{BASE}/payment-runs/{corrected['id']}/approve", json={}, headers=people[payer]
        )

    proof = client.post(f"{url}/replay", headers=people["auditor"]).get_json()
    assert (proof["matches"], proof["answer_matches"], proof["reconciles"]) == (True, True, True)
    assert proof["reconciliation"] == {
        "lines": "4725000.00", "owed": "4725000.00", "received": "4725000.00"}  # fmt: skip
    assert proof["digest"] == run["digest"]

    statement = client.get(
        "/api/v1/investors/malar_fund/statements?contract=BOT-NAC-2027&as_of=2028-04-01",
        headers=people["malar"],
    ).get_json()
    # 4 725 000 settled + 82 500 approved by the adjustment run.
    assert statement["distributions"][0]["principal"] == "4807500.00"
    assert statement["distributions"][0]["settled"] == "4725000.00"
    assert statement["outstanding_principal"] == "5192500.00"
    hidden = client.get("/api/v1/investors/malar_fund/statements?contract=BOT-NAC-2027",
                        headers=people["sodertorn"])  # fmt: skip
    assert hidden.status_code == 404

    workbook = client.get(
        "/api/v1/investors/malar_fund/statements?contract=BOT-NAC-2027&as_of=2028-04-01",
        headers={**people["malar"], "Accept": XLSX},
    )
    assert workbook.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["Summary", "Cash flows", "Chart"]

    payer = client.get("/api/v1/payers/botkyrka/statements?contract=BOT-NAC-2027",
                       headers=people["botkyrka"]).get_json()  # fmt: skip
    year_2028 = next(y for y in payer["years"] if y["year"] == 2028)
    assert (year_2028["approved"], year_2028["settled"], year_2028["cap_remaining"]) == (
        "2200000.00", "2200000.00", "0.00")  # fmt: skip
