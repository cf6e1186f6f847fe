"""The audit key: seals each event's hash (HMAC-SHA256) and signs checkpoints; never stored.

The key lives in the configuration (AUDIT_KEY), outside the database, so someone who can
write the tables can recompute the plain SHA-256 chain but not the seals over it. The keyring
also carries the Ed25519 signing key (sib/audit_signing.py), which signs checkpoints a second
time so that auditors can check them with its public key alone.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app

from sib.audit_signing import SigningKey, SigningKeyError

#: domain tags: a row's seal can never be replayed as a checkpoint's signature, or back
ROW_TAG, CHECKPOINT_TAG, KEY_ID_TAG = b"sib-audit-row\n", b"sib-audit-checkpoint\n", b"sib-key-id"


class UnknownKeyError(LookupError):
    """A seal or signature names a key id that is neither the current nor a previous key."""


def key_id_of(key: bytes) -> str:
    """A short public name of a key (16 hex digits) that reveals nothing of the key itself."""
    return hmac.new(key, KEY_ID_TAG, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    """The current audit key, which seals new events, and the earlier ones, which still verify."""

    current: bytes
    previous: tuple[bytes, ...] = ()
    #: the Ed25519 key that also signs checkpoints (None: HMAC signatures only)
    signing: SigningKey | None = None

    @classmethod
    def from_secrets(cls, current: str, previous: Iterable[str] = ()) -> "Keyring":
        """A keyring from the configured secrets (text, used as UTF-8)."""
        earlier = tuple(s.strip().encode("utf-8") for s in previous if s.strip())
        return cls(current.encode("utf-8"), earlier)

    @property
    def key_id(self) -> str:
        return key_id_of(self.current)

    def key(self, key_id: str) -> bytes:
        """The key with this id, current or previous."""
        for key in (self.current, *self.previous):
            if key_id_of(key) == key_id:
                return key
        raise UnknownKeyError(key_id)

    def seal(self, row_hash: str, key_id: str | None = None) -> str:
        """HMAC-SHA256 of a row's chain hash (which covers its content and the row before)."""
        key = self.key(key_id) if key_id else self.current
        return hmac.new(key, ROW_TAG + row_hash.encode("ascii"), hashlib.sha256).hexdigest()

    def sign(self, payload: str, key_id: str | None = None) -> str:
        """HMAC-SHA256 signature of a checkpoint's canonical text."""
        key = self.key(key_id) if key_id else self.current
        return hmac.new(key, CHECKPOINT_TAG + payload.encode("utf-8"), hashlib.sha256).hexdigest()

    def is_sealed(self, row_hash: str, seal: str, key_id: str) -> bool:
        """Whether `seal` is this row hash's seal under the key `key_id` (False if unknown)."""
        try:
            return hmac.compare_digest(self.seal(row_hash, key_id), seal)
        except UnknownKeyError:
            return False

    def is_signed(self, payload: str, signature: str, key_id: str) -> bool:
        """Whether `signature` signs `payload` under the key `key_id` (False if unknown)."""
        try:
            return hmac.compare_digest(self.sign(payload, key_id), signature)
        except UnknownKeyError:
            return False


def init_app(app) -> None:
    """Build the app's keyring from AUDIT_KEY, AUDIT_SIGNING_KEY and their previous keys."""
    if not app.config.get("AUDIT_KEY"):
        raise RuntimeError("AUDIT_KEY must be set: it seals the audit log")
    if not app.config.get("AUDIT_SIGNING_KEY"):
        raise RuntimeError("AUDIT_SIGNING_KEY must be set: it signs the audit log's checkpoints")
    previous = str(app.config.get("AUDIT_PREVIOUS_KEYS") or "").split(",")
    keyring = Keyring.from_secrets(app.config["AUDIT_KEY"], previous)
    try:
        signing = SigningKey.from_config(
            app.config["AUDIT_SIGNING_KEY"],
            str(app.config.get("AUDIT_PREVIOUS_PUBLIC_KEYS") or "").split(","),
        )
    except SigningKeyError as error:
        raise RuntimeError(
            f"{error}. Set AUDIT_SIGNING_KEY to base64 of 32 random bytes, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))', and "
            "AUDIT_PREVIOUS_PUBLIC_KEYS to earlier public keys as `sib audit public-key` "
            "prints them (base64), comma-separated"
        ) from error
    app.extensions["sib.audit_keys"] = Keyring(keyring.current, keyring.previous, signing)


def current_keyring() -> Keyring:
    """The running app's keyring (built on first use if the factory did not)."""
    if "sib.audit_keys" not in current_app.extensions:
        init_app(current_app)
    return current_app.extensions["sib.audit_keys"]
