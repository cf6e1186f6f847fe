"""Password hashes (argon2id): making one, checking one, and the rule a new password meets."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
#: characters; argon2 hashes any length, but a megabyte "password" is only a way to burn CPU
MAX_PASSWORD_LENGTH = 1024
#: checked when there is no real hash to check (unknown, inactive, token-only or locked
#: accounts), so every login attempt costs the same hash work and takes as long
DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def is_right(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash; exactly one argon2 check, whatever the input."""
    too_long = len(password) > MAX_PASSWORD_LENGTH  # never set, so never right
    try:
        right = _hasher.verify(
            DUMMY_HASH if too_long else password_hash, password[:MAX_PASSWORD_LENGTH]
        )
    except (VerificationError, InvalidHashError):
        return False
    return right and not too_long


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"at most {MAX_PASSWORD_LENGTH} characters"
    return None
