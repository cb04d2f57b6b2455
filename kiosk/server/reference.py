"""Short chart reference numbers: 8 Crockford base32 characters, shown as ``XXXX-XXXX``.

40 random bits from :mod:`secrets`; the alphabet leaves out I, L, O and U so a
reference read aloud or copied from paper is hard to get wrong.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
PATTERN = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


class ReferenceSpaceExhausted(RuntimeError):
    """Every attempt produced a reference that was already taken."""


def new_reference(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh random reference such as ``7K3M-Q9XD``."""
    chars = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def unused_reference(
    is_taken: Callable[[str], bool],
    attempts: int = 8,
    generate: Callable[[], str] = new_reference,
) -> str:
    """A new reference for which ``is_taken`` answers False, retrying on the rare clash."""
    for _ in range(attempts):
        candidate = generate()
        if not is_taken(candidate):
            return candidate
    raise ReferenceSpaceExhausted(f"no free reference after {attempts} attempts")
