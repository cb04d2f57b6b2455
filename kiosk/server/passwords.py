"""The password rules of a pickup-code login, and argon2id hashing.

A password has 8..128 characters and is not in the shipped list of common passwords
(``data/common-passwords.txt``, compared case-insensitively and without surrounding
spaces). Passwords are stored only as argon2id hashes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError

from kiosk.server.settings import PasswordHashing

PASSWORD_MIN = 8
PASSWORD_MAX = 128


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case."""
    text = resources.files("kiosk.server").joinpath("data", "common-passwords.txt")
    return frozenset(
        line.strip() for line in text.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why *password* may not be used, or None when it may."""
    if len(password) < PASSWORD_MIN:
        return f"the password must have at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"the password must have at most {PASSWORD_MAX} characters"
    folded = password.strip().lower()
    if folded in common_passwords():
        return "the password is too common; choose another"
    if username is not None and folded == username.strip().lower():
        return "the password must not be the username"
    return None


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
