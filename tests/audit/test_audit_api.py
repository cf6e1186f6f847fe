"""The auditor's API on the whole log: incremental pulls and the chain check."""

import hashlib
import hmac
from datetime import datetime

import pytest
from sqlalchemy import text

from sib import audit
from sib.actor import Actor
from sib.audit import chain_hash
from sib.extensions import db
from tests.audit.intruder import TEST_AUDIT_KEY


def append(count: int) -> None:
    for n in range(count):
        audit.record(
            "test.happened",
            actor=Actor.system("test"),
            entity_type="thing",
            entity_id=n,
            after={"n": n},
        )
    db.session.commit()


@pytest.fixture
def auditor(auth_headers):
    return auth_headers("auditor", "region")  # its user and token: events 1 and 2


def test_the_log_is_pulled_incrementally_after_a_sequence_number(client, auditor):
    append(5)  # events 3..7
    first = client.get("/api/v1/audit/events?limit=4", headers=auditor).get_json()
    assert [e["seq"] for e in first["events"]] == [1, 2, 3, 4]
    assert first["next_after"] == 4
    rest = client.get("/api/v1/audit/events?after=4&limit=4", headers=auditor).get_json()
    assert [e["seq"] for e in rest["events"]] == [5, 6, 7]
    assert rest["next_after"] is None


def test_each_pulled_event_can_be_rechecked_by_the_auditor(client, auditor):
    append(2)
    events = client.get("/api/v1/audit/events", headers=auditor).get_json()["events"]
    previous = audit.GENESIS_HASH
    for event in events:
        # the recipe in docs/access.md, from the API's own fields
        row = {name: event[name] for name in audit.HASHED_COLUMNS if name != "change"}
        row["change"] = event["change_text"]
        row["occurred_at"] = datetime.fromisoformat(event["occurred_at"])
        assert event["prev_hash"] == previous
        assert chain_hash(previous, audit.canonical_json(row)) == event["hash"]
        previous = event["hash"]


def test_each_event_carries_the_audit_keys_seal_of_its_hash(client, auditor):
    append(2)
    events = client.get("/api/v1/audit/events", headers=auditor).get_json()["events"]
    key_id = hmac.new(TEST_AUDIT_KEY, b"sib-key-id", hashlib.sha256).hexdigest()[:16]
    for event in events:  # the recipe in docs/audit.md, by hand with the test key
        message = b"sib-audit-row\n" + event["hash"].encode()
        assert event["seal"] == hmac.new(TEST_AUDIT_KEY, message, hashlib.sha256).hexdigest()
        assert event["key_id"] == key_id


def test_the_chain_check_answers_ok_and_how_many_were_checked(client, auditor):
    append(3)
    verdict = client.get("/api/v1/audit/verify", headers=auditor).get_json()
    assert verdict == {"ok": True, "checked": 5, "first_bad_seq": None, "problem": None,
                       "checkpoint_seq": None, "unsealed": 0}  # fmt: skip


def test_the_chain_check_names_the_first_bad_row(client, auditor):
    append(3)
    with db.engine.begin() as sql:
        if sql.dialect.name == "postgresql":
            sql.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        sql.execute(text("UPDATE audit_events SET entity_id = 'x' WHERE seq = 4"))
        if sql.dialect.name == "postgresql":
            sql.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    verdict = client.get("/api/v1/audit/verify", headers=auditor).get_json()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 4)


@pytest.mark.parametrize("role", ["contract_manager", "finance_officer", "evaluator", "investor"])
def test_only_auditors_and_admins_read_the_log(client, auth_headers, role):
    headers = auth_headers(role, "botkyrka")
    assert client.get("/api/v1/audit/events", headers=headers).status_code == 403
    assert client.get("/api/v1/audit/verify", headers=headers).status_code == 403
    assert client.get("/api/v1/audit/checkpoints", headers=headers).status_code == 403


def test_events_carry_the_request_id_of_their_request(client, auth_headers, make_organisation):
    make_organisation("botkyrka")
    headers = auth_headers("admin", "utfall") | {"X-Request-Id": "req-42"}
    client.post(
        "/api/v1/users",
        json={
            "email": "n@botkyrka.test",
            "name": "N",
            "organisation": "botkyrka",
            "roles": ["investor"],
        },
        headers=headers,
    )
    events = client.get("/api/v1/audit/events", headers=headers).get_json()["events"]
    created = events[-1]
    assert (created["action"], created["request_id"]) == ("user.created", "req-42")
    assert created["actor"].startswith("user:admin-")
    assert created["actor_user_id"] is not None
    assert created["actor_organisation_id"] is not None
