"""Failed sign-ins per account (username), with the pickup codes' lock-out design.

The count is kept per case-folded username, whether or not a login has that name, so an
unknown username and a wrong password are counted, locked and answered alike. The
account's row is taken with a row lock before the password is looked at, so parallel
guesses queue behind one another and none gets past the limit. A success forgives
nothing: failures leave the count only when their window has passed.

Defaults are the terminals' (:class:`~kiosk.server.settings.ServerSettings`): 5 failures
within 5 minutes lock the account for 5 minutes, each further lock-out twice as long, at
most a day; a quiet day (no lock-out) starts the doubling afresh.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.server.models import LoginThrottle
from kiosk.server.settings import ServerSettings


def account_key(username: str) -> str:
    """The row key of *username*: hex SHA-256 of its case-folded form."""
    return hashlib.sha256(username.casefold().encode("utf-8")).hexdigest()


def locked_row(session: Session, username: str) -> LoginThrottle:
    """The account's row, created if missing, locked for update until the transaction ends."""
    key = account_key(username)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginThrottle)
        .values(account_key=key, failures=0, lockouts=0)
        .on_conflict_do_nothing(index_elements=["account_key"])
    )
    return session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.account_key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def seconds_left(locked_until: datetime | None, now: datetime) -> int | None:
    """Whole seconds until *locked_until*, or None when that is not in the future."""
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds()))


def count_failure(row: LoginThrottle, now: datetime, settings: ServerSettings) -> None:
    """One more failed sign-in on *row* (not committed); lock the account at the limit."""
    if row.locked_until is not None and now - row.locked_until >= settings.lockout_max:
        row.lockouts = 0  # a quiet day since the last lock-out: start the doubling afresh
    window_start = row.window_started_at
    if window_start is None or now - window_start >= settings.terminal_failure_window:
        row.failures = 0
        row.window_started_at = now
    row.failures += 1
    if row.failures >= settings.terminal_max_failures:
        row.lockouts += 1
        factor = 2 ** min(row.lockouts - 1, 30)
        row.locked_until = now + min(settings.lockout_base * factor, settings.lockout_max)
        row.failures = 0
        row.window_started_at = None
