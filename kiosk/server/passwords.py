"""Hashing a portal login's password with argon2id, and checking one.

What a password must be is :mod:`kiosk.contract.login_rules` (the terminal checks the same
rules, the API's request bodies apply them). Passwords are stored only as argon2id hashes.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError

from kiosk.server.settings import PasswordHashing


def hasher(params: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
    )


def verify_password(password_hash: str, password: str) -> bool:
    """True when *password* matches *password_hash* (for the portal's own login)."""
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError):
        return False
