"""Every request leaves one JSON line; request ids are bounded, generated when absent, echoed."""

import re

import pytest

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_each_request_is_one_json_line_naming_who_what_and_how_long(
    client, make_user, make_token, request_lines
):
    user = make_user("auditor", "region")
    headers = {"Authorization": f"Bearer {make_token(user)}", "X-Request-Id": "probe-1.a_B"}
    client.get("/api/v1/me", headers=headers)

    assert len(request_lines) == 1
    line = request_lines[0]
    assert {k: line[k] for k in ("event", "request_id", "method", "route", "status")} == {
        "event": "request",
        "request_id": "probe-1.a_B",
        "method": "GET",
        "route": "/api/v1/me",
        "status": 200,
    }
    assert (line["user_id"], line["organisation_id"]) == (user.id, user.organisation_id)
    assert line["duration_ms"] >= 0
    assert line["ts"].endswith("+00:00")


def test_the_route_is_the_rule_not_the_path(client, auth_headers, request_lines):
    client.get("/api/v1/contracts/NO-SUCH", headers=auth_headers("auditor", "region"))
    assert (request_lines[0]["route"], request_lines[0]["path"], request_lines[0]["status"]) == (
        "/api/v1/contracts/<reference>",
        "/api/v1/contracts/NO-SUCH",
        404,
    )


def test_an_anonymous_request_is_logged_without_user(client, request_lines):
    assert client.get("/api/v1/me").status_code == 401
    assert (request_lines[0]["user_id"], request_lines[0]["organisation_id"]) == (None, None)
    assert request_lines[0]["status"] == 401


def test_a_plain_request_id_is_kept_and_returned(client):
    answer = client.get("/healthz", headers={"X-Request-Id": "A" * 64})
    assert answer.headers["X-Request-Id"] == "A" * 64


def test_a_request_without_an_id_gets_a_fresh_one(client, request_lines):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert HEX_ID.fullmatch(first)
    assert HEX_ID.fullmatch(second)
    assert first != second
    assert [line["request_id"] for line in request_lines] == [first, second]


@pytest.mark.parametrize(
    "sent",
    [
        "A" * 65,  # too long
        "has space",
        "new\\nline",
        'quote"d',
        "åäö",
        "a/b",
        "{json}",
    ],
)
def test_an_unruly_request_id_is_replaced(client, sent):
    answer = client.get("/healthz", headers={"X-Request-Id": sent})
    assert HEX_ID.fullmatch(answer.headers["X-Request-Id"])


def test_the_audit_log_records_the_bounded_id(client, auth_headers, make_organisation):
    make_organisation("botkyrka")
    headers = auth_headers("admin", "utfall") | {"X-Request-Id": "x" * 200}
    client.post(
        "/api/v1/users",
        json={"email": "n@botkyrka.test", "name": "N", "organisation": "botkyrka",
              "roles": ["investor"]},
        headers=headers,
    )  # fmt: skip
    created = client.get("/api/v1/audit/events", headers=headers).get_json()["events"][-1]
    assert created["action"] == "user.created"
    assert HEX_ID.fullmatch(created["request_id"])
