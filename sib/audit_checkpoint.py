"""Signed checkpoints of the audit chain (head seq + hash + time), published outside the database.

A checkpoint is what an auditor keeps: whatever later happens to the tables, a log shorter
than a checkpoint, or one whose row at the checkpoint's seq has another hash, fails
verification. Checkpoints are signed with the audit key (HMAC-SHA256), so a forged or edited
one is refused, and, since the signing key was added, with Ed25519 as well, so that an auditor
checks them with the public key alone (sib/audit_offline.py). They are written to an outbox
folder (AUDIT_CHECKPOINT_DIR) for shipping elsewhere, and handed to auditors by the API as
JSON and as a one-line token.
"""

import base64
import binascii
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from sib.audit import GENESIS_HASH, AuditEvent, verify_chain
from sib.audit_keys import Keyring
from sib.audit_signing import PublicKeys
from sib.extensions import db

TOKEN_PREFIX = "cp1."
#: the fields a checkpoint's HMAC signature covers
SIGNED_FIELDS = ("seq", "hash", "at", "keyed_from", "key_id")
#: the fields its Ed25519 signature covers: the same, and the signing key's id
PUBLIC_SIGNED_FIELDS = (*SIGNED_FIELDS, "signing_key_id")


class CheckpointError(ValueError):
    """A checkpoint that cannot be read: not JSON, not a token, or missing a field."""


@dataclass(frozen=True)
class Checkpoint:
    #: the last event's sequence number when the checkpoint was taken (0: an empty log)
    seq: int
    #: that event's chain hash
    hash: str
    #: when the checkpoint was taken, ISO 8601 in UTC to the second
    at: str
    #: the first sealed event: rows from here on must carry a seal
    keyed_from: int
    #: the audit key that signed it
    key_id: str
    #: HMAC-SHA256 under that audit key: only the service can check it
    signature: str = ""
    #: the Ed25519 key that signed it too, and that signature (hex); None on checkpoints
    #: taken before checkpoints were signed so
    signing_key_id: str | None = None
    ed25519_signature: str | None = None

    def payload(self) -> str:
        """The canonical text the HMAC signature covers."""
        return _canonical({name: getattr(self, name) for name in SIGNED_FIELDS})

    def public_payload(self) -> str:
        """The canonical text the Ed25519 signature covers."""
        return _canonical({name: getattr(self, name) for name in PUBLIC_SIGNED_FIELDS})

    @property
    def token(self) -> str:
        """The checkpoint on one line, to paste into `verify?checkpoint=` or `--checkpoint`."""
        text = _canonical(self.fields())
        return TOKEN_PREFIX + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def fields(self) -> dict:
        """The checkpoint's fields; an older one's stay as they were (no Ed25519 fields)."""
        return {name: value for name, value in asdict(self).items() if value is not None}

    def as_dict(self) -> dict:
        return {**self.fields(), "token": self.token}

    def is_signed_by(self, keyring: Keyring) -> bool:
        return self.signature_problem(keyring) is None

    def signature_problem(self, keyring: Keyring) -> str | None:
        """Why the service does not accept the signatures, or None: each one carried must hold."""
        if not keyring.is_signed(self.payload(), self.signature, self.key_id):
            return (
                "its HMAC signature does not match any configured audit key (AUDIT_KEY, "
                "AUDIT_PREVIOUS_KEYS): edited, or signed elsewhere"
            )
        if self.ed25519_signature is None:
            return None  # taken before checkpoints were signed with Ed25519
        public_keys = keyring.signing.public_keys if keyring.signing else PublicKeys(())
        return self.public_signature_problem(public_keys, "AUDIT_SIGNING_KEY's public key or "
                                             "AUDIT_PREVIOUS_PUBLIC_KEYS")  # fmt: skip

    def public_signature_problem(self, public_keys: PublicKeys, known: str) -> str | None:
        """Why the Ed25519 signature does not hold under `public_keys` (named `known`), or None."""
        if self.ed25519_signature is None or self.signing_key_id is None:
            return (
                "it carries no Ed25519 signature (taken before checkpoints were signed so): "
                "only the service can check it, with `sib audit verify --checkpoint`"
            )
        if public_keys.key(self.signing_key_id) is None:
            return f"it is signed by Ed25519 key {self.signing_key_id}, which is not {known}"
        if not public_keys.is_signed(
            self.public_payload(), self.ed25519_signature, self.signing_key_id
        ):
            return (
                f"its Ed25519 signature does not match key {self.signing_key_id}: the "
                "checkpoint was edited, or signed by another key"
            )
        return None


def _canonical(values: dict) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def take_checkpoint(keyring: Keyring, now: datetime | None = None) -> Checkpoint:
    """Sign the log's last committed event as it stands (in the current transaction's view)."""
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, hash_ = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    first_sealed = db.session.scalar(
        select(func.min(AuditEvent.seq)).where(AuditEvent.seal.is_not(None))
    )
    unsigned = Checkpoint(
        seq=seq,
        hash=hash_,
        at=(now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat(),
        keyed_from=first_sealed or seq + 1,
        key_id=keyring.key_id,
        signing_key_id=keyring.signing.key_id if keyring.signing else None,
    )
    return sign(unsigned, keyring)


def verified_checkpoint(keyring: Keyring) -> tuple[Checkpoint | None, dict]:
    """Walk the chain, then sign its head: (checkpoint, verdict), or (None, verdict) if broken.

    A checkpoint vouches for what it signs, so a broken chain is never checkpointed. For the
    command line and for a scheduled job, which then `publish` it.
    """
    verdict = verify_chain()
    return (take_checkpoint(keyring) if verdict["ok"] else None), verdict


def sign(checkpoint: Checkpoint, keyring: Keyring) -> Checkpoint:
    """The checkpoint signed with the audit key and, if the keyring has one, the signing key."""
    signatures = {"signature": keyring.sign(checkpoint.payload())}
    if keyring.signing is not None and checkpoint.signing_key_id is not None:
        signatures["ed25519_signature"] = keyring.signing.sign(checkpoint.public_payload())
    return replace(checkpoint, **signatures)


def parse_checkpoint(given: str | dict) -> Checkpoint:
    """A checkpoint from its token, its JSON text or its JSON object (signature unchecked)."""
    if isinstance(given, str):
        given = given.strip()
        try:
            if given.startswith(TOKEN_PREFIX):
                encoded = given.removeprefix(TOKEN_PREFIX)
                given = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            given = json.loads(given)
        except (ValueError, binascii.Error) as error:
            raise CheckpointError(f"not a checkpoint token or JSON: {error}") from error
    if not isinstance(given, dict):
        raise CheckpointError("a checkpoint is a JSON object")
    try:
        checkpoint = Checkpoint(
            seq=int(given["seq"]),
            hash=str(given["hash"]),
            at=str(given["at"]),
            keyed_from=int(given["keyed_from"]),
            key_id=str(given["key_id"]),
            signature=str(given["signature"]),
            signing_key_id=_optional_text(given.get("signing_key_id")),
            ed25519_signature=_optional_text(given.get("ed25519_signature")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"a checkpoint needs seq, hash, at, keyed_from, key_id, "
                              f"signature: {error!r}") from error  # fmt: skip
    if checkpoint.seq < 0:
        raise CheckpointError("a checkpoint's seq is never negative")
    return checkpoint


def _optional_text(value) -> str | None:
    return None if value is None else str(value)


def publish(checkpoint: Checkpoint, outbox: str | Path) -> Path:
    """Write the checkpoint into the outbox folder, whole or not at all; returns its path."""
    folder = Path(outbox)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint.at.replace("-", "").replace(":", "").replace("+0000", "Z")
    path = folder / f"{checkpoint.seq:012d}-{stamp}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(checkpoint.as_dict(), indent=2, sort_keys=True) + "\n")
    # A reader never sees half a file: the rename is atomic on one filesystem.
    os.replace(partial, path)
    return path


def published(outbox: str | Path | None) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in the outbox (oldest first), and a problem per file that is not one."""
    folder = Path(outbox) if outbox else None
    if folder is None or not folder.is_dir():
        return [], []
    checkpoints, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            checkpoints.append(parse_checkpoint(path.read_text(encoding="utf-8")))
        except (CheckpointError, OSError) as error:
            problems.append(f"checkpoint file {path.name}: {error}")
    checkpoints.sort(key=lambda c: (c.seq, c.at))
    return checkpoints, problems
