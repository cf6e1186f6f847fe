"""Numbers, dates and JSON no record can have answer 4xx problem documents, never a 500.

Run on SQLite and PostgreSQL: both used to fail differently (SQLite cannot bind an integer
beyond 2**63, PostgreSQL's integer columns stop at 2**31 - 1, Python's dates at 9999-12-31).
"""

import json

import pytest

HUGE = 10**30
REF = "BOT-NAC-2027"
PROBLEM = "application/problem+json"


@pytest.fixture
def admin(demo_contract, auth_headers):
    return auth_headers("admin", "utfall")


def assert_problem(response, status, path):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert path in [error["path"] for error in response.get_json()["errors"]]


@pytest.mark.parametrize(
    ("method", "url",                                            "variable"),
    [
        ("GET",  "/api/v1/users/{n}/tokens",                     "user_id"),
        ("POST", "/api/v1/users/{n}/tokens",                     "user_id"),
        ("PUT",  "/api/v1/users/{n}/password",                   "user_id"),
        ("POST", "/api/v1/tokens/{n}/revoke",                    "token_id"),
        ("GET",  f"/api/v1/contracts/{REF}/versions/{{n}}/terms", "number"),
        ("GET",  f"/api/v1/contracts/{REF}/submissions/{{n}}",    "submission_id"),
        ("GET",  f"/api/v1/contracts/{REF}/payment-runs/{{n}}",   "run_id"),
        ("POST", f"/api/v1/contracts/{REF}/payment-runs/{{n}}/approve", "run_id"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("number", [HUGE, 2**63, 2**31])
def test_an_id_beyond_any_record_is_404_naming_it(client, admin, method, url, variable, number):
    response = client.open(url.format(n=number), method=method, json={}, headers=admin)
    assert_problem(response, 404, f"path.{variable}")


def test_the_largest_id_is_an_ordinary_404(client, admin):
    response = client.get("/api/v1/users/2147483647/tokens", headers=admin)
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(
    ("url",                                        "parameter"),
    [
        ("/api/v1/contracts?page={n}",              "page"),
        ("/api/v1/contracts?page_size={n}",         "page_size"),
        ("/api/v1/users?page={n}",                  "page"),
        (f"/api/v1/contracts/{REF}/history?page={{n}}", "page"),
        ("/api/v1/audit/events?after={n}",          "after"),
        ("/api/v1/audit/events?limit={n}",          "limit"),
        ("/api/v1/jobs?page={n}",                   "page"),
    ],
)  # fmt: skip
def test_a_page_number_near_ten_to_the_thirty_is_422_naming_it(client, admin, url, parameter):
    assert_problem(client.get(url.format(n=HUGE), headers=admin), 422, f"query.{parameter}")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/contracts?page=999999999999999",
        "/api/v1/users?page=999999999999999",
        f"/api/v1/contracts/{REF}/history?page=999999999999999&page_size=1000",
        "/api/v1/audit/events?after=999999999999999",
    ],
)
def test_the_largest_page_accepted_is_an_empty_page(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/contracts/{REF}",
        f"/api/v1/contracts/{REF}/terms",
        f"/api/v1/contracts/{REF}/outcomes",
        f"/api/v1/investors/malar_fund/statements?contract={REF}",
        f"/api/v1/investors/malar_fund/statements.xlsx?contract={REF}",
        f"/api/v1/payers/botkyrka/statements?contract={REF}",
        f"/api/v1/contracts/{REF}/overdue",
    ],
)
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_no_contract_can_reach_is_422_naming_it(client, admin, url, day):
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}as_of={day}", headers=admin)
    assert_problem(response, 422, "query.as_of")


def test_a_history_window_beyond_the_calendar_is_422(client, admin):
    response = client.get(f"/api/v1/contracts/{REF}/history?from=9999-12-31", headers=admin)
    assert_problem(response, 422, "query.from")


def drawdown(amount):
    return {"investor": "malar_fund", "on": "2027-02-01", "amount": amount}


@pytest.mark.parametrize(
    "amount",
    [
        "1e400",
        "9" * 60,
        "1e-400",
        "0." + "1" * 60,
        "Infinity",
        "NaN",
        "1" + "0" * 18,  # 19 digits before the point
    ],
)
def test_an_amount_beyond_exact_decimals_is_422_naming_the_field(client, admin, amount):
    response = client.post(
        f"/api/v1/contracts/{REF}/drawdowns", json=drawdown(amount), headers=admin
    )
    assert_problem(response, 422, "$.amount")


@pytest.mark.parametrize("number", ["1e400", "9" * 60, "-1E-400", "NaN", "Infinity"])
def test_a_json_number_beyond_bounds_is_422_naming_its_path(client, admin, number):
    body = json.dumps(drawdown("PLACEHOLDER")).replace('"PLACEHOLDER"', number)
    response = client.post(
        f"/api/v1/contracts/{REF}/drawdowns",
        data=body,
        content_type="application/json",
        headers=admin,
    )
    assert_problem(response, 422, "$.amount")


def test_a_large_but_ordinary_amount_reaches_the_service(client, admin):
    # 18 digits before the point: past the guard, refused by the drawdown rule (commitment)
    response = client.post(
        f"/api/v1/contracts/{REF}/drawdowns", json=drawdown("9" * 18 + ".25"), headers=admin
    )
    assert response.status_code == 422
    assert "commitment" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("url",                                  "body"),
    [
        (f"/api/v1/contracts/{REF}/drawdowns", {"investor": "malar_fund", "on": "9999-12-31",
                                                "amount": "1"}),
        (f"/api/v1/contracts/{REF}/versions",  {"effective_from": "9999-12-31", "reason": "x",
                                                "terms": {}}),
    ],
)  # fmt: skip
def test_a_date_beyond_the_calendar_in_a_body_is_422_naming_its_path(client, admin, url, body):
    response = client.post(url, json=body, headers=admin)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    paths = [error["path"] for error in response.get_json()["errors"]]
    assert any(path in ("$.on", "$.effective_from") for path in paths)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/contracts",
        f"/api/v1/contracts/{REF}/simulate",
        f"/api/v1/contracts/{REF}/versions",
        f"/api/v1/contracts/{REF}/drawdowns",
        "/api/v1/users",
    ],
)
@pytest.mark.parametrize("depth", [50_000, 65])
def test_json_nested_too_deep_is_400(client, admin, url, depth):
    body = "[" * depth + "]" * depth
    response = client.post(url, data=body, content_type="application/json", headers=admin)
    assert_problem(response, 400, "$")


def test_json_nested_within_bounds_reaches_the_view(client, admin):
    body = json.dumps({"x": [[[[[[[[[[1]]]]]]]]]]})
    response = client.post(
        "/api/v1/users", data=body, content_type="application/json", headers=admin
    )
    assert response.status_code == 422  # the user schema's own answer
    assert "$.x" in [error["path"] for error in response.get_json()["errors"]]


def test_without_a_token_the_answer_is_401_not_the_bound(client, demo_contract):
    response = client.get(f"/api/v1/users/{HUGE}/tokens")
    assert response.status_code == 401


@pytest.mark.parametrize("amount", ["9" * 60, "9" * 23, "0." + "1" * 40])
def test_an_amount_in_a_terms_document_beyond_exact_decimals_is_422(client, admin, amount):
    from pathlib import Path

    terms = json.loads(
        (Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json").read_text()
    )
    terms["reference"] = "BIG-2027"
    terms["parties"][0]["yearly_cap"] = amount
    response = client.post("/api/v1/contracts", json=terms, headers=admin)
    assert_problem(response, 422, "$.parties[0].yearly_cap")


def test_a_page_with_an_id_beyond_any_record_answers_an_html_page(client, make_user):
    admin = make_user("admin", "utfall", password="a long admin password")
    client.post("/login", data={"email": admin.email, "password": "a long admin password"})
    response = client.get(f"/admin/users/{HUGE}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("send", "path"),
    [
        (
            lambda c, h: c.post("/api/v1/users", json={"organisation": "a\x00b"}, headers=h),
            "$.organisation",
        ),
        (lambda c, h: c.get("/api/v1/contracts?status=a%00b", headers=h), "query.status"),
        (lambda c, h: c.get("/api/v1/contracts/BOT%00NAC", headers=h), "path.reference"),
    ],
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(client, admin, send, path):
    # PostgreSQL text cannot hold U+0000: it used to answer 500 there.
    response = send(client, admin)
    assert response.status_code in (404, 422)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["path"] == path
