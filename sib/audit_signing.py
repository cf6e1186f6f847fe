"""The checkpoint signing key (Ed25519) and the public keys that check it; never stored.

The HMAC audit key (sib/audit_keys.py) proves a checkpoint to whoever holds that secret, which
is the service alone. An Ed25519 signature proves it to anyone holding the public key: an
auditor checks checkpoints, and the chain up to them, with nothing secret. The private key
comes from the configuration (AUDIT_SIGNING_KEY: base64 of its 32 bytes), like the audit key;
earlier public keys (AUDIT_PREVIOUS_PUBLIC_KEYS) keep older checkpoints verifiable.

Flask-free, so that an auditor's offline check (sib/audit_offline.py) uses it as it is.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

#: domain tag: an Ed25519 checkpoint signature is never valid for anything else signed later
SIGNATURE_TAG = b"sib-audit-checkpoint-ed25519\n"
PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


class SigningKeyError(ValueError):
    """A signing key or public key that cannot be read."""


def _raw_key(text: str, what: str) -> bytes:
    """The 32 bytes that base64 text (standard or URL-safe, padding optional) stands for."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningKeyError(f"{what} is not base64: {error}") from error
    if len(raw) != 32:
        raise SigningKeyError(f"{what} is {len(raw)} bytes once decoded; an Ed25519 key is 32")
    return raw


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_id(key: Ed25519PublicKey) -> str:
    """A key's public name: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(raw_public_key(key)).hexdigest()[:16]


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def public_keys_from_text(text: str, what: str = "the public key") -> list[Ed25519PublicKey]:
    """Public keys from PEM (one block or several) or from base64 of the raw 32 bytes."""
    blocks = PEM_BLOCK.findall(text)
    if not blocks:
        return [Ed25519PublicKey.from_public_bytes(_raw_key(text, what))]
    keys = []
    for block in blocks:
        try:
            key = load_pem_public_key(block.encode("ascii"))
        except ValueError as error:
            raise SigningKeyError(f"{what} is not a readable PEM public key: {error}") from error
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{what} is a {type(key).__name__}, not an Ed25519 key")
        keys.append(key)
    return keys


@dataclass(frozen=True)
class PublicKeys:
    """The Ed25519 public keys that checkpoints may be signed by, named by key id."""

    keys: tuple[Ed25519PublicKey, ...]

    @classmethod
    def of(cls, keys: Iterable[Ed25519PublicKey]) -> "PublicKeys":
        unique = {public_key_id(key): key for key in keys}
        return cls(tuple(unique.values()))

    def key(self, key_id: str) -> Ed25519PublicKey | None:
        return next((k for k in self.keys if public_key_id(k) == key_id), None)

    def is_signed(self, payload: str, signature: str, key_id: str) -> bool:
        """Whether `signature` (hex) signs `payload` under the public key `key_id`."""
        key = self.key(key_id)
        if key is None:
            return False
        try:
            key.verify(bytes.fromhex(signature), SIGNATURE_TAG + payload.encode("utf-8"))
        except (InvalidSignature, ValueError):
            return False
        return True


def public_key_base64(key: Ed25519PublicKey) -> str:
    """The raw 32 bytes in base64: the form AUDIT_PREVIOUS_PUBLIC_KEYS takes."""
    return base64.b64encode(raw_public_key(key)).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """The current signing key, which signs new checkpoints, and the earlier public keys."""

    private: Ed25519PrivateKey
    previous: tuple[Ed25519PublicKey, ...] = ()

    @classmethod
    def from_config(cls, private: str, previous: Iterable[str] = ()) -> "SigningKey":
        """From AUDIT_SIGNING_KEY and the items of AUDIT_PREVIOUS_PUBLIC_KEYS (base64 each)."""
        seed = _raw_key(private, "AUDIT_SIGNING_KEY")
        earlier = tuple(
            Ed25519PublicKey.from_public_bytes(_raw_key(text, "AUDIT_PREVIOUS_PUBLIC_KEYS item"))
            for text in previous
            if text.strip()
        )
        return cls(Ed25519PrivateKey.from_private_bytes(seed), earlier)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return public_key_id(self.public_key)

    @property
    def public_keys(self) -> PublicKeys:
        """The current public key first, then the earlier ones."""
        return PublicKeys.of((self.public_key, *self.previous))

    def sign(self, payload: str) -> str:
        """The Ed25519 signature (hex) of a checkpoint's canonical text."""
        return self.private.sign(SIGNATURE_TAG + payload.encode("utf-8")).hex()

    def published(self) -> list[dict]:
        """Each public key as the service publishes it, the current one first."""
        return [
            {
                "key_id": public_key_id(key),
                "algorithm": "Ed25519",
                "current": index == 0,
                "public_key": public_key_base64(key),
                "pem": public_key_pem(key),
            }
            for index, key in enumerate(self.public_keys.keys)
        ]
