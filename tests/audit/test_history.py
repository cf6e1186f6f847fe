"""A contract's history for auditors: events, terms versions with JSON-path diffs, exports."""

import io
import json
import zipfile
from datetime import date

import openpyxl
import pytest

from contracts import service
from contracts.history import json_diff
from sib.actor import Actor
from sib.extensions import db


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"a": 1},             {"a": 2},             [("$.a", "changed", 1, 2)]),
        ({"a": 1},             {"a": 1, "b": 2},     [("$.b", "added", None, 2)]),
        ({"a": 1, "b": 2},     {"a": 1},             [("$.b", "removed", 2, None)]),
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}, [("$.a.b[1]", "changed", 2, 3)]),
        ({"a": [1]},           {"a": [1, 2]},        [("$.a[1]", "added", None, 2)]),
        ({"a": "1"},           {"a": 1},             [("$.a", "changed", "1", 1)]),
        ({"x y": 1},           {"x y": 2},           [('$["x y"]', "changed", 1, 2)]),
        ({"a": 1},             {"a": 1},             []),
        # a list of objects with ids compares by id: an inserted term is one addition
        ({"terms": [{"id": "jobs", "price": "1"}]},
         {"terms": [{"id": "new", "price": "9"}, {"id": "jobs", "price": "2"}]},
         [('$.terms[?@.id=="jobs"].price', "changed", "1", "2"),
          ('$.terms[?@.id=="new"]', "added", None, {"id": "new", "price": "9"})]),
        # parties have no id: they compare by organisation
        ({"parties": [{"organisation": "nacka", "role": "outcome_payer"}]},
         {"parties": []},
         [('$.parties[?@.organisation=="nacka"]', "removed",
           {"organisation": "nacka", "role": "outcome_payer"}, None)]),
    ],
)  # fmt: skip
def test_the_diff_names_each_difference_by_its_json_path(before, after, expected):
    got = [
        (c["path"], c["change"], c.get("before"), c.get("after")) for c in json_diff(before, after)
    ]
    assert got == expected


@pytest.fixture
def amended(demo_contract):
    """The demo contract, amended once: the jobs price up, a reason that looks like a formula."""
    terms = json.loads(demo_contract.versions[0].document)
    terms["terms"][0]["price"] = "160000"
    service.amend_contract(
        demo_contract,
        terms,
        date(2028, 1, 1),
        '=HYPERLINK("http://evil.example","click")',
        Actor.system("test"),
    )
    db.session.commit()
    return demo_contract


@pytest.fixture
def auditor(auth_headers):
    return auth_headers("auditor", "region")


def history(client, contract, headers, **query):
    return client.get(
        f"/api/v1/contracts/{contract.reference}/history", query_string=query, headers=headers
    )


def test_the_history_lists_every_event_oldest_first(client, amended, auditor):
    body = history(client, amended, auditor).get_json()
    assert [e["action"] for e in body["events"]] == ["contract.created", "contract.amended"]
    assert body["total"] == 2


def test_each_version_carries_its_diff_against_the_one_before(client, amended, auditor):
    versions = history(client, amended, auditor).get_json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["changes"] == []
    assert versions[1]["changes"] == [
        {
            "path": '$.terms[?@.id=="jobs"].price',
            "change": "changed",
            "before": "150000",
            "after": "160000",
        }
    ]


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ({"action": "contract.amended"},      ["contract.amended"]),
        ({"action": "no.such"},               []),
        ({"from": "2000-01-01T00:00:00Z"},    ["contract.created", "contract.amended"]),
        ({"to": "2000-01-01T00:00:00+01:00"}, []),
        ({"to": "2999-01-01T00:00:00"},       ["contract.created", "contract.amended"]),
        ({"page_size": 1, "page": 2},         ["contract.amended"]),
    ],
)  # fmt: skip
def test_the_history_filters_by_time_and_action_and_pages(client, amended, auditor, query, actions):
    body = history(client, amended, auditor, **query).get_json()
    assert [e["action"] for e in body["events"]] == actions


def test_another_organisations_history_is_404_and_a_payers_officer_403(
    client, amended, auth_headers
):
    assert history(client, amended, auth_headers("auditor", "elsewhere")).status_code == 200
    assert (
        history(client, amended, auth_headers("contract_manager", "elsewhere")).status_code == 404
    )
    assert history(client, amended, auth_headers("finance_officer", "botkyrka")).status_code == 403


def test_the_json_export_holds_every_version_in_full(client, amended, auditor):
    response = client.get(
        f"/api/v1/contracts/{amended.reference}/history/export.json", headers=auditor
    )
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    body = json.loads(response.data)
    assert body["format"] == "sib-history/1"
    assert body["audit_chain"]["ok"] is True
    assert [v["document"]["terms"][0]["price"] for v in body["versions"]] == ["150000", "160000"]
    assert [e["action"] for e in body["events"]] == ["contract.created", "contract.amended"]


def export_workbook(client, contract, headers) -> tuple[bytes, openpyxl.Workbook]:
    response = client.get(
        f"/api/v1/contracts/{contract.reference}/history/export.xlsx", headers=headers
    )
    assert response.status_code == 200
    return response.data, openpyxl.load_workbook(io.BytesIO(response.data))


def test_the_excel_export_has_one_sheet_per_kind_of_record(client, amended, auditor):
    _, workbook = export_workbook(client, amended, auditor)
    assert workbook.sheetnames == ["Contract", "Versions", "Terms changes", "Parties", "Events"]
    events = workbook["Events"]
    assert [c.value for c in events[1]][:4] == ["seq", "occurred_at (UTC)", "actor", "action"]
    assert [events.cell(row, 4).value for row in (2, 3)] == ["contract.created", "contract.amended"]
    assert events.freeze_panes == "A2"
    assert events["A1"].font.bold
    changes = workbook["Terms changes"]
    assert [c.value for c in changes[2]] == [
        2,
        '$.terms[?@.id=="jobs"].price',
        "changed",
        "150000",
        "160000",
    ]


def test_exported_text_that_looks_like_a_formula_stays_text(client, amended, auditor):
    data, workbook = export_workbook(client, amended, auditor)
    reason = workbook["Versions"].cell(3, 3)
    assert reason.value == '=HYPERLINK("http://evil.example","click")'
    assert reason.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
