"""Failed pickup-code attempts per terminal: a limit per window, then a growing lock-out.

The counts live in the database (``terminal_throttles``), so several server processes
share them. Defaults: 5 failures within 5 minutes lock the terminal out for 5 minutes;
each further lock-out before a success lasts twice as long as the one before, up to a
day. A success clears the count and the lock-out history.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.server.models import TerminalThrottle
from kiosk.server.settings import ServerSettings


def seconds_locked(session: Session, terminal: str, now: datetime) -> int | None:
    """Seconds until *terminal* may try codes again, or None when it is not locked out."""
    locked_until = session.scalar(
        select(TerminalThrottle.locked_until).where(TerminalThrottle.terminal == terminal)
    )
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds()))


def _locked_row(session: Session, terminal: str) -> TerminalThrottle:
    """The terminal's row, created if missing, locked for update (PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(TerminalThrottle)
        .values(terminal=terminal, failures=0, lockouts=0)
        .on_conflict_do_nothing(index_elements=["terminal"])
    )
    row = session.scalars(
        select(TerminalThrottle)
        .where(TerminalThrottle.terminal == terminal)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return row


def record_failure(
    session: Session, terminal: str, now: datetime, settings: ServerSettings
) -> None:
    """Count one failed attempt of *terminal* (not committed); lock it out at the limit."""
    row = _locked_row(session, terminal)
    window_start = row.window_started_at
    if window_start is None or now - window_start >= settings.terminal_failure_window:
        row.failures = 0
        row.window_started_at = now
    row.failures += 1
    if row.failures >= settings.terminal_max_failures:
        row.lockouts += 1
        factor = 2 ** min(row.lockouts - 1, 30)
        duration = min(settings.lockout_base * factor, settings.lockout_max)
        row.locked_until = now + duration
        row.failures = 0
        row.window_started_at = None


def record_success(session: Session, terminal: str) -> None:
    """Clear *terminal*'s failures and lock-out history (not committed)."""
    session.execute(
        update(TerminalThrottle)
        .where(
            TerminalThrottle.terminal == terminal,
            (TerminalThrottle.failures > 0) | (TerminalThrottle.lockouts > 0),
        )
        .values(failures=0, lockouts=0, window_started_at=None)
    )
