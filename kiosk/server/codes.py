"""Pickup codes: 55 random bits in Crockford base32 with Crockford's check symbol.

The shape of a code (alphabet, check symbol, normalizing what was typed) lives in
:mod:`kiosk.contract.pickup_code`, which the terminal uses too; this module makes new codes
from :mod:`secrets` and the keyed digests (HMAC-SHA256) that are all the server stores.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from kiosk.contract.pickup_code import (
    ALPHABET,
    CHECK_ALPHABET,
    CODE_LENGTH,
    DATA_LENGTH,
    DISPLAY_PATTERN,
    GROUP,
    check_symbol,
    normalize_code,
)
from kiosk.contract.pickup_code import display as _display
from kiosk.server.secrets_util import digest

__all__ = [
    "CHECK_ALPHABET",
    "CODE_LENGTH",
    "DATA_LENGTH",
    "DISPLAY_PATTERN",
    "GROUP",
    "RANDOM_BITS",
    "check_symbol",
    "code_digest",
    "legacy_code_digest",
    "new_code",
    "normalize_code",
]

RANDOM_BITS = DATA_LENGTH * 5


def new_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh pickup code in display form, e.g. ``7K3M-Q9XD-2HB*``."""
    data = "".join(ALPHABET[randbelow(32)] for _ in range(DATA_LENGTH))
    return _display(data + check_symbol(data))


def code_digest(code: str) -> str:
    """The stored form of a canonical code (see :func:`normalize_code`): HMAC-SHA256 under
    the server's code key (:mod:`kiosk.server.code_key`), in hex."""
    from kiosk.server.code_key import code_key

    message = code.replace("-", "").encode("ascii")
    return hmac.new(code_key(), message, hashlib.sha256).hexdigest()


def legacy_code_digest(code: str) -> str:
    """How codes issued before the code key were stored (plain SHA-256); such a code is
    stored again under :func:`code_digest` when it is used."""
    return digest(code.replace("-", ""))
