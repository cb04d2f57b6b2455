"""The staff PIN: an argon2 hash in the config, and a lock after repeated wrong tries.

``kiosk set-staff-pin`` hashes the PIN and writes ``staff_pin_hash = "$argon2id$..."`` into
the TOML file; the PIN itself is never stored. After :data:`MAX_TRIES` wrong PINs in a row
staff mode is locked, first for :data:`FIRST_LOCK_SECONDS`, then twice as long after each
further lock, up to :data:`MAX_LOCK_SECONDS`. A right PIN resets the count.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # argon2 loads when a PIN is first hashed or checked
    from argon2 import PasswordHasher

MAX_TRIES = 5
FIRST_LOCK_SECONDS = 60.0
MAX_LOCK_SECONDS = 3600.0
PIN_PATTERN = re.compile(r"^[0-9]{4,12}$")


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


class PinRefused(ValueError):
    """The PIN cannot be used (not 4 to 12 digits)."""


def check_pin(pin: str) -> None:
    """Refuse a *pin* that is not 4 to 12 digits (:class:`PinRefused`)."""
    if not PIN_PATTERN.fullmatch(pin):
        raise PinRefused("the staff PIN must be 4 to 12 digits")


def hash_pin(pin: str) -> str:
    """The argon2id hash of *pin* (4 to 12 digits)."""
    check_pin(pin)
    return _hasher().hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """True when *pin* matches *pin_hash* (slow on purpose: run it in a worker)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):  # a mismatch is a VerificationError too
        return False


@dataclass(frozen=True)
class PinResult:
    """The outcome of one try: ``ok``, or how many tries are left, or how long the lock lasts."""

    ok: bool
    tries_left: int = 0
    locked_for: float = 0.0


class PinGuard:
    """Counts wrong tries and locks staff mode for a growing time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._wrong = 0
        self._locks = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds until staff mode may be tried again (0 when it may now)."""
        return max(0.0, self._locked_until - self._clock())

    def attempt(self, pin_hash: str | None, pin: str) -> PinResult:
        """Check *pin* unless locked; a missing hash never matches."""
        remaining = self.locked_for()
        if remaining > 0:
            return PinResult(ok=False, locked_for=remaining)
        if pin_hash is not None and verify_pin(pin_hash, pin):
            self._wrong = 0
            self._locks = 0
            return PinResult(ok=True)
        self._wrong += 1
        if self._wrong >= MAX_TRIES:
            self._wrong = 0
            seconds = min(FIRST_LOCK_SECONDS * 2**self._locks, MAX_LOCK_SECONDS)
            self._locks += 1
            self._locked_until = self._clock() + seconds
            return PinResult(ok=False, locked_for=seconds)
        return PinResult(ok=False, tries_left=MAX_TRIES - self._wrong)


_LINE = re.compile(r"^staff_pin_hash\s*=.*$", re.MULTILINE)
_FIRST_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def write_pin_hash(config_file: Path, pin_hash: str) -> None:
    """Put ``staff_pin_hash`` into the TOML file's top level, keeping everything else as is."""
    text = config_file.read_text(encoding="utf-8")
    line = f'staff_pin_hash = "{pin_hash}"'
    if _LINE.search(text):
        text = _LINE.sub(lambda _m: line, text, count=1)
    else:
        table = _FIRST_TABLE.search(text)
        at = table.start() if table else len(text)
        head, rest = text[:at], text[at:]
        if head and not head.endswith("\n"):
            head += "\n"
        if head.endswith("\n\n"):  # keep the blank line before the first table
            text = head[:-1] + line + "\n\n" + rest
        else:
            text = head + line + "\n" + ("\n" if table else "") + rest
    tmp = config_file.with_name(config_file.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(config_file)
