"""A change and its audit event commit together or not at all."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts.models import Contract
from sib import audit
from sib.audit import AuditEvent
from sib.auth.models import User
from sib.extensions import db

DEMO_TERMS = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"


class BoomError(Exception):
    """A failure after the change was made."""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def end_of_request():
    # What the request's teardown does with a transaction nobody committed.
    db.session.remove()


@pytest.fixture
def admin(auth_headers, make_organisation):
    make_organisation("botkyrka")
    headers = auth_headers("admin", "utfall")
    return headers, count(User), count(AuditEvent)


def fail_after_recording(monkeypatch, module):
    """Make `module`'s audit.record write its event, then raise."""
    real = audit.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise BoomError

    monkeypatch.setattr(module.audit, "record", record_then_fail)


def test_a_write_that_fails_after_its_event_leaves_neither(client, admin, monkeypatch):
    from sib.auth import service

    headers, users, events = admin
    fail_after_recording(monkeypatch, service)
    body = {
        "email": "n@botkyrka.test",
        "name": "N",
        "organisation": "botkyrka",
        "roles": ["investor"],
    }
    with pytest.raises(BoomError):
        client.post("/api/v1/users", json=body, headers=headers)
    end_of_request()
    assert (count(User), count(AuditEvent)) == (users, events)


def test_a_change_whose_event_cannot_be_written_is_not_stored(client, admin, monkeypatch):
    headers, users, events = admin

    def broken_chain(*args):
        raise BoomError

    monkeypatch.setattr(audit, "chain_hash", broken_chain)
    body = {
        "email": "n@botkyrka.test",
        "name": "N",
        "organisation": "botkyrka",
        "roles": ["investor"],
    }
    with pytest.raises(BoomError):
        client.post("/api/v1/users", json=body, headers=headers)
    end_of_request()
    assert (count(User), count(AuditEvent)) == (users, events)


def test_a_contract_import_that_fails_leaves_neither_contract_nor_event(
    client, auth_headers, monkeypatch
):
    from contracts import service

    headers = auth_headers("admin", "utfall")
    events = count(AuditEvent)
    fail_after_recording(monkeypatch, service)
    with pytest.raises(BoomError):
        client.post(
            "/api/v1/contracts",
            data=DEMO_TERMS.read_bytes(),
            content_type="application/json",
            headers=headers,
        )
    end_of_request()
    assert (count(Contract), count(AuditEvent)) == (0, events)
    assert json.loads(DEMO_TERMS.read_text())["reference"]  # the document itself was fine


def test_a_write_that_succeeds_commits_its_event(client, admin):
    headers, users, events = admin
    body = {
        "email": "n@botkyrka.test",
        "name": "N",
        "organisation": "botkyrka",
        "roles": ["investor"],
    }
    assert client.post("/api/v1/users", json=body, headers=headers).status_code == 201
    end_of_request()
    assert (count(User), count(AuditEvent)) == (users + 1, events + 1)
