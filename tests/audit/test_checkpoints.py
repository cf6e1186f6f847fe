"""Signed checkpoints: published to the outbox, handed to auditors, held against the log."""

import hashlib
import hmac
import json

import pytest
from sqlalchemy import text

from tests.audit.intruder import TEST_AUDIT_KEY


@pytest.fixture
def auditor(auth_headers):
    return auth_headers("auditor", "region")  # its user and token: events 1 and 2


def signature_of(checkpoint: dict) -> str:
    """The documented recipe (docs/audit.md), computed here by hand with the test key."""
    signed = {k: checkpoint[k] for k in ("seq", "hash", "at", "keyed_from", "key_id")}
    payload = json.dumps(signed, sort_keys=True, separators=(",", ":"))
    return hmac.new(
        TEST_AUDIT_KEY, b"sib-audit-checkpoint\n" + payload.encode(), hashlib.sha256
    ).hexdigest()


def test_the_command_line_publishes_a_signed_checkpoint_into_the_outbox(append, runner, outbox):
    events = append(3)
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0
    files = sorted(outbox.glob("*.json"))
    assert [f.name[:13] for f in files] == ["000000000003-"]
    published = json.loads(files[0].read_text())
    assert (published["seq"], published["hash"], published["keyed_from"]) == (3, events[2].hash, 1)
    assert published["signature"] == signature_of(published)
    assert json.loads(result.stdout) == published


def test_a_broken_chain_is_never_checkpointed(append, tamper, runner, outbox):
    append(3)
    with tamper() as sql:
        sql.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 2"))
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "broken at seq 2" in result.output
    assert list(outbox.glob("*.json")) == []


def test_auditors_fetch_the_head_signed_and_the_published_checkpoints(
    client, auditor, append, runner, outbox
):
    append(1)  # event 3
    runner.invoke(args=["audit", "checkpoint"])
    append(2)  # events 4 and 5
    answer = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()
    assert [c["seq"] for c in answer["published"]] == [3]
    current = answer["current"]
    assert (current["seq"], current["keyed_from"]) == (5, 1)
    assert current["signature"] == signature_of(current)
    assert current["token"].startswith("cp1.")


def test_a_held_checkpoint_catches_an_emptied_log_through_the_api(client, auditor, append, tamper):
    append(2)
    token = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]["token"]
    with tamper() as sql:
        sql.execute(text("DELETE FROM audit_events"))
        sql.execute(text("DELETE FROM audit_chain_head"))
    alone = client.get("/api/v1/audit/verify", headers=auditor).get_json()
    assert alone["ok"] is True  # nothing in the database or the (empty) outbox says otherwise
    held = client.get(f"/api/v1/audit/verify?checkpoint={token}", headers=auditor).get_json()
    assert (held["ok"], held["first_bad_seq"], held["checkpoint_seq"]) == (False, 1, 4)
    assert held["problem"].startswith("the log is empty but the checkpoint of")


def test_a_held_checkpoint_names_the_first_missing_row(client, auditor, append, tamper):
    append(3)  # events 3..5
    token = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]["token"]
    with tamper() as sql:
        kept = sql.execute(text("SELECT hash FROM audit_events WHERE seq = 3")).scalar()
        sql.execute(text("DELETE FROM audit_events WHERE seq > 3"))
        sql.execute(text("UPDATE audit_chain_head SET seq = 3, hash = :h"), {"h": kept})
    verdict = client.get(f"/api/v1/audit/verify?checkpoint={token}", headers=auditor).get_json()
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["checked"]) == (False, 4, 3)


HMAC_REFUSED = "its HMAC signature does not match any configured audit key"
ED25519_REFUSED = "its Ed25519 signature does not match key"


@pytest.mark.parametrize(
    ("edit",                          "reason"),
    [
        ({"seq": 1},                      HMAC_REFUSED),
        ({"signature": "0" * 64},         HMAC_REFUSED),
        ({"key_id": "f" * 16},            HMAC_REFUSED),
        ({"ed25519_signature": "0" * 128}, ED25519_REFUSED),
        ({"signing_key_id": "f" * 16},    "it is signed by Ed25519 key ffffffffffffffff, which is "
                                          "not AUDIT_SIGNING_KEY's public key"),
    ],
)  # fmt: skip
def test_an_edited_checkpoint_is_refused(client, auditor, append, edit, reason):
    append(1)
    current = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]
    forged = json.dumps({k: v for k, v in current.items() if k != "token"} | edit)
    response = client.get("/api/v1/audit/verify", query_string={"checkpoint": forged},
                          headers=auditor)  # fmt: skip
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    (error,) = response.get_json()["errors"]
    assert error["path"] == "query.checkpoint[0]"
    assert error["message"].startswith(f"not signed by this service's audit key: {reason}")


def test_an_unreadable_checkpoint_is_refused(client, auditor):
    response = client.get("/api/v1/audit/verify?checkpoint=cp1.bm90IGpzb24", headers=auditor)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "query.checkpoint[0]"


def test_the_command_line_takes_a_held_checkpoint_from_a_file(append, runner, tmp_path, tamper):
    append(3)
    held = tmp_path / "mine.json"
    held.write_text(runner.invoke(args=["audit", "checkpoint", "--no-publish"]).stdout)
    assert runner.invoke(args=["audit", "verify", "--checkpoint", str(held)]).exit_code == 0
    with tamper() as sql:
        sql.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        sql.execute(text("UPDATE audit_chain_head SET seq = 2, hash = "
                         "(SELECT hash FROM audit_events WHERE seq = 2)"))  # fmt: skip
    broken = runner.invoke(args=["audit", "verify", "--checkpoint", str(held)])
    assert broken.exit_code == 1
    assert "BROKEN at seq 3: the log ends at 2" in broken.output


def test_the_command_line_refuses_a_forged_checkpoint(append, runner, tmp_path):
    append(1)
    checkpoint = json.loads(runner.invoke(args=["audit", "checkpoint", "--no-publish"]).stdout)
    checkpoint["seq"] = 0
    result = runner.invoke(args=["audit", "verify", "--checkpoint", json.dumps(checkpoint)])
    assert result.exit_code == 2
    assert "not signed by this service's audit key" in result.output


def test_an_edited_checkpoint_file_in_the_outbox_fails_verification(append, runner, outbox):
    append(2)
    runner.invoke(args=["audit", "checkpoint"])
    (path,) = outbox.glob("*.json")
    path.write_text(path.read_text().replace('"seq": 2', '"seq": 1'))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "is not signed by a known audit key" in result.output


def test_a_checkpoint_signed_with_a_previous_key_still_counts(append, runner, outbox, app,
                                                               monkeypatch):  # fmt: skip
    from sib import audit_keys

    append(2)
    runner.invoke(args=["audit", "checkpoint"])
    # rotate: a new current key, the test key kept as a previous one
    monkeypatch.setitem(app.config, "AUDIT_KEY", "a-new-audit-key")
    monkeypatch.setitem(app.config, "AUDIT_PREVIOUS_KEYS", TEST_AUDIT_KEY.decode())
    monkeypatch.setitem(app.extensions, "sib.audit_keys", None)
    audit_keys.init_app(app)
    append(1)
    result = runner.invoke(args=["audit", "verify"])
    assert (result.exit_code, "3 event(s) checked, anchored at seq 2" in result.output) == (0, True)
