"""Random secrets and their stored form (hex SHA-256)."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str, nbytes: int = 32) -> str:
    """*prefix* and *nbytes* random bytes from :mod:`secrets`, URL-safe base64."""
    return prefix + secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """The hex SHA-256 of *secret*: what the database keeps instead of it.

    A plain hash is enough here: tokens and redemption secrets carry 256 random bits
    and pickup codes 55, so there is nothing for a dictionary to guess, and an index on
    the digest finds the row in one lookup.
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
