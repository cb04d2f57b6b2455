"""The server's tunable limits, with the defaults the issue and README name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.server.throttle import Limit

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """``90s``, ``15m``, ``12h``, ``7d`` or ``2w`` as a timedelta; ValueError otherwise."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration (use e.g. 7d, 12h, 30m): {text!r}")
    amount, unit = int(match[1]), match[2]
    if amount == 0:
        raise ValueError(f"a duration must be positive: {text!r}")
    return timedelta(**{_UNITS[unit]: amount})


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id cost parameters (the defaults are argon2-cffi's, RFC 9106's second choice)."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4


@dataclass(frozen=True)
class ServerSettings:
    code_ttl: timedelta = timedelta(days=7)
    """How long a pickup code stays valid after it is issued."""
    terminal_max_failures: int = 5
    terminal_failure_window: timedelta = timedelta(minutes=5)
    """That many failed code attempts within this window lock the terminal out."""
    lockout_base: timedelta = timedelta(minutes=5)
    """The first lock-out; each further one (without a success between) lasts twice as long."""
    lockout_max: timedelta = timedelta(hours=24)
    lockout_forget_after: timedelta = timedelta(hours=24)
    """A terminal (or chart) with no failure for this long starts again with a clean slate;
    a success forgives nothing."""
    chart_max_failures: int = 100
    """Consecutive failed confirmations on one chart that revoke its pickup code."""
    redemption_ttl: timedelta = timedelta(hours=1)
    """How long the follow-up calls of a redemption are accepted."""
    invalid_code_floor_seconds: float = 0.25
    """Every answer to an unusable code takes at least this long, so timing tells nothing."""
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    token_cache_seconds: float = 5.0
    """How long a checked bearer token is trusted without asking the database again: a
    revoked token stops working within this time (0: at once)."""

    username_lookups_max: int = 30
    """Username look-ups a terminal may make within ``terminal_failure_window``."""

    @property
    def username_lookup_limit(self) -> Limit:
        """The limit on a terminal's username look-ups (each one counts)."""
        from kiosk.server.throttle import Limit

        return Limit(
            max_failures=self.username_lookups_max,
            window=self.terminal_failure_window,
            lockout_base=self.lockout_base,
            lockout_max=self.lockout_max,
            forget_after=self.lockout_forget_after,
        )

    @property
    def guess_limit(self) -> Limit:
        """The guess limit of terminals and charts (see :mod:`kiosk.server.throttle`)."""
        from kiosk.server.throttle import Limit

        return Limit(
            max_failures=self.terminal_max_failures,
            window=self.terminal_failure_window,
            lockout_base=self.lockout_base,
            lockout_max=self.lockout_max,
            forget_after=self.lockout_forget_after,
        )
