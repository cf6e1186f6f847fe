"""Checkpoints signed with Ed25519: checked with the public key alone, and rotated.

The HMAC signature proves a checkpoint to the service only; the Ed25519 one to anyone who
holds the published public key. Older, HMAC-only checkpoints keep verifying through the service.
"""

import base64
import hashlib
import json
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from config import DEFAULT_AUDIT_SIGNING_KEY, ProductionConfig, TestConfig
from sib import create_app
from sib.audit_checkpoint import Checkpoint
from tests.audit.test_checkpoints import signature_of

#: the documented recipe's domain tag (docs/audit.md)
TAG = b"sib-audit-checkpoint-ed25519\n"
SIGNED = ("seq", "hash", "at", "keyed_from", "key_id", "signing_key_id")


def payload(checkpoint: dict) -> bytes:
    signed = {name: checkpoint[name] for name in SIGNED}
    return TAG + json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


def signed_by(private: Ed25519PrivateKey, checkpoint: dict, key_id: str | None = None) -> dict:
    """The checkpoint re-signed with another Ed25519 key, claiming `key_id` (default: its own)."""
    raw = base64.b64encode(private.public_key().public_bytes_raw()).decode()
    claimed = {**checkpoint, "signing_key_id": key_id or key_id_of(raw)}
    return claimed | {"ed25519_signature": private.sign(payload(claimed)).hex()}


def key_id_of(public_key: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def check_export(runner, export, public_key, *checkpoints) -> tuple[int, str]:
    held = [arg for c in checkpoints for arg in ("--checkpoint", c)]
    args = ["audit", "check-export", str(export), *held, "--public-key", str(public_key)]
    result = runner.invoke(args=args)
    return result.exit_code, result.output


def test_a_checkpoint_signed_now_verifies_with_the_public_key_alone(client, auditor, append):
    append(2)
    current = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]
    (key,) = client.get("/api/v1/audit/public-keys", headers=auditor).get_json()["keys"]
    assert (key["algorithm"], key["current"], key["key_id"]) == (
        "Ed25519", True, key_id_of(key["public_key"]),
    )  # fmt: skip
    assert current["signing_key_id"] == key["key_id"]
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(bytes.fromhex(current["ed25519_signature"]), payload(current))  # no exception


def test_the_command_line_prints_the_keys_the_api_publishes(client, auditor, runner):
    (key,) = client.get("/api/v1/audit/public-keys", headers=auditor).get_json()["keys"]
    printed = runner.invoke(args=["audit", "public-key"]).stdout
    assert printed == (
        f"# Ed25519 key {key['key_id']} (current); base64: {key['public_key']}\n{key['pem']}"
    )


def test_only_auditors_and_admins_read_the_public_keys(client, auth_headers):
    officer = auth_headers("finance_officer", "framsteg")
    assert client.get("/api/v1/audit/public-keys", headers=officer).status_code == 403


def test_a_published_checkpoint_carries_both_signatures(append, runner, outbox, public_key_file):
    append(2)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    (path,) = outbox.glob("*.json")
    published = json.loads(path.read_text())
    assert published["signature"] == signature_of(published)
    (block,) = public_key_file.read_text().split("base64: ")[1:]
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(block.split("\n")[0]))
    public.verify(bytes.fromhex(published["ed25519_signature"]), payload(published))


@pytest.mark.parametrize(
    "edit",
    [
        {"seq": 1},
        {"hash": "0" * 64},
        {"at": "2031-01-01T00:00:00+00:00"},
    ],
)
def test_an_edited_checkpoint_is_refused_naming_it(
    client, auditor, append, export_log, public_key_file, runner, edit
):
    append(2)
    current = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]
    edited = {k: v for k, v in current.items() if k != "token"} | edit
    code, output = check_export(runner, export_log(auditor), public_key_file, json.dumps(edited))
    assert code == 2
    assert f"the checkpoint of {edited['at']} (seq {edited['seq']}) is refused: its Ed25519 " \
           f"signature does not match key {current['signing_key_id']}" in output  # fmt: skip


@pytest.mark.parametrize(
    ("claims",       "reason"),
    [
        ("its own id",   "it is signed by Ed25519 key {other}, which is not among the public keys"),
        ("the service's", "its Ed25519 signature does not match key {service}"),
    ],
)  # fmt: skip
def test_a_checkpoint_signed_by_another_key_is_refused(
    client, auditor, append, export_log, public_key_file, runner, claims, reason
):
    append(2)
    current = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]
    current.pop("token")
    other = Ed25519PrivateKey.generate()
    service_id = current["signing_key_id"]
    forged = signed_by(other, current, service_id if claims == "the service's" else None)
    expected = reason.format(other=forged["signing_key_id"], service=service_id)
    code, output = check_export(runner, export_log(auditor), public_key_file, json.dumps(forged))
    assert (code, expected in " ".join(output.split())) == (2, True)
    # the service refuses it too, though its HMAC signature is the genuine one
    answer = client.get("/api/v1/audit/verify", query_string={"checkpoint": json.dumps(forged)},
                        headers=auditor)  # fmt: skip
    assert answer.status_code == 422
    assert "Ed25519" in answer.get_json()["errors"][0]["message"]


def test_an_old_hmac_only_checkpoint_still_verifies_through_the_service(
    client, auditor, append, runner, outbox, export_log, public_key_file
):
    append(2)  # events 3 and 4
    current = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["current"]
    # as the service wrote checkpoints before Ed25519: five fields and their HMAC signature
    old = {k: current[k] for k in ("seq", "hash", "at", "keyed_from", "key_id")}
    old["signature"] = signature_of(old)
    old["token"] = Checkpoint(**old).token
    outbox.mkdir()
    (outbox / "000000000004-old.json").write_text(json.dumps(old, indent=2, sort_keys=True))
    verified = runner.invoke(args=["audit", "verify", "--checkpoint", old["token"]])
    assert (verified.exit_code, "anchored at seq 4" in verified.output) == (0, True)
    answer = client.get("/api/v1/audit/verify", query_string={"checkpoint": old["token"]},
                        headers=auditor).get_json()  # fmt: skip
    assert (answer["ok"], answer["checkpoint_seq"]) == (True, 4)
    listed = client.get("/api/v1/audit/checkpoints", headers=auditor).get_json()["published"]
    assert listed == [old]  # shown as it was written, token and all
    # ... but an auditor without the audit key cannot check it, and is told so
    code, output = check_export(runner, export_log(auditor), public_key_file, old["token"])
    assert code == 2
    assert "carries no Ed25519 signature" in output


def test_a_checkpoint_of_a_previous_signing_key_still_counts(app, append, runner, outbox,
                                                             monkeypatch):  # fmt: skip
    from sib import audit_keys

    append(2)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    old_public = runner.invoke(args=["audit", "public-key"]).stdout.split("base64: ")[1]

    def rotate(previous_public_keys: str) -> None:
        new_key = base64.b64encode(hashlib.sha256(b"a new signing key").digest()).decode()
        monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY", new_key)
        monkeypatch.setitem(app.config, "AUDIT_PREVIOUS_PUBLIC_KEYS", previous_public_keys)
        monkeypatch.setitem(app.extensions, "sib.audit_keys", None)
        audit_keys.init_app(app)

    rotate("")  # the old public key forgotten: its checkpoints cannot be told from forgeries
    forgotten = runner.invoke(args=["audit", "verify"])
    assert forgotten.exit_code == 1
    assert "not AUDIT_SIGNING_KEY's public key or AUDIT_PREVIOUS_PUBLIC_KEYS" in forgotten.output
    rotate(old_public.split("\n")[0])
    append(1)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify"])
    assert (result.exit_code, "3 event(s) checked, anchored at seq 3" in result.output) == (0, True)
    printed = runner.invoke(args=["audit", "public-key"]).stdout
    assert [line.split(" (")[1][:8] for line in printed.splitlines() if line.startswith("#")] == [
        "current)", "previous",
    ]  # fmt: skip


GOOD = {
    "SECRET_KEY": "q8Vd1-Zr4tWm9LxB2nKc7HsPjE3yGaUf",
    "PSEUDONYM_KEY": "Tz6hN0wR5eXb8JmQ3vLs1KdY9pCgA4uF",
    "AUDIT_KEY": "Lm2Qx7Rb9Wc4Nv1Ze8Ht5Jk3Pf6Ys0Gd",
    "AUDIT_SIGNING_KEY": "Xk9-3dQ0vN7rYbT2hLp5WmE8sCj1uGa4Zf6RoKxHy_c",  # token_urlsafe(32)
}


def test_production_refuses_the_default_signing_key():
    production = type("Production", (ProductionConfig,), {**GOOD,
                      "AUDIT_SIGNING_KEY": DEFAULT_AUDIT_SIGNING_KEY})  # fmt: skip
    with pytest.raises(RuntimeError, match="^AUDIT_SIGNING_KEY is the development default"):
        create_app(production)
    type("Production", (ProductionConfig,), GOOD).check()  # a key of its own: no exception


@pytest.mark.parametrize(
    ("key",                  "reason"),
    [
        ("not base64!",         "AUDIT_SIGNING_KEY is not base64"),
        ("c2hvcnQ=",            "AUDIT_SIGNING_KEY is 5 bytes once decoded; an Ed25519 key is 32"),
    ],
)  # fmt: skip
def test_a_signing_key_that_is_not_an_ed25519_key_stops_the_app(key, reason):
    from sib import audit_keys

    # what the app factory calls, on a stand-in app (a second real app would share the API)
    starting = SimpleNamespace(config={"AUDIT_KEY": TestConfig.AUDIT_KEY,
                                       "AUDIT_SIGNING_KEY": key}, extensions={})  # fmt: skip
    with pytest.raises(RuntimeError, match=reason) as refused:
        audit_keys.init_app(starting)
    assert "secrets.token_urlsafe(32)" in str(refused.value)  # says how to make a good one
