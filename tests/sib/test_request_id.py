"""A client's X-Request-Id is kept only when short and plain; the audit log never gets more."""

import re

import pytest
from sqlalchemy import select

from sib.audit import AuditEvent
from sib.extensions import db

GENERATED = re.compile(r"[0-9a-f]{32}")


def create_user(client, headers, request_id):
    return client.post(
        "/api/v1/users",
        json={"email": "nils@botkyrka.test", "name": "Nils", "organisation": "botkyrka",
              "roles": ["finance_officer"]},
        headers={**headers, "X-Request-Id": request_id},
    )  # fmt: skip


@pytest.fixture
def admin(auth_headers, make_organisation):
    make_organisation("botkyrka")
    return auth_headers("admin", "utfall")


def last_request_id():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first().request_id


@pytest.mark.parametrize(
    "sent",
    [
        "x" * 5000,
        "x" * 65,
        "req 42",  # a space
        "req-42\tX",  # a control character
        "ÅÄÖ-unicode",
        "<script>",
    ],
)
def test_a_long_or_odd_request_id_is_replaced_by_a_generated_one(client, admin, sent):
    response = create_user(client, admin, sent)
    assert response.status_code == 201
    assert GENERATED.fullmatch(response.headers["X-Request-Id"])
    assert last_request_id() == response.headers["X-Request-Id"]


@pytest.mark.parametrize("sent", ["req-42", "a" * 64, "2026-12-06T18.00_abc"])
def test_a_short_plain_request_id_is_kept_in_the_answer_and_the_audit_log(client, admin, sent):
    response = create_user(client, admin, sent)
    assert (response.headers["X-Request-Id"], last_request_id()) == (sent, sent)
