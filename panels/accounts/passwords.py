"""Password hashing with argon2id, and the secrets behind sessions and API tokens."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MINIMUM_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email takes as long as a wrong
# password and sign-in does not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str) -> str | None:
    """Why this password cannot be used, or None."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        return f"Use at least {MINIMUM_PASSWORD_LENGTH} characters."
    if len(password) > 1024:
        return "Use at most 1024 characters."
    if password.strip() == "":
        return "A password cannot be only spaces."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; argon2 is deliberately slow, so it runs off the loop."""
    return await asyncio.to_thread(_verify, password_hash, password)


def new_token(prefix: str) -> str:
    """An unguessable bearer secret (256 bits)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """Tokens have full entropy, so a fast hash is enough to keep them useless if the
    database leaks."""
    return hashlib.sha256(token.encode()).hexdigest()
