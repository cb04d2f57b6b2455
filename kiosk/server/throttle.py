"""Limits on guessing secrets: per terminal and per subject, a failure count and a growing lock-out.

What is guessed is a parameter: a pickup code, the date of birth of a chart, a portal
password. Each :class:`Subject` names a *kind* of guess and *who* is counted (a terminal,
a chart, an account); its row in ``guess_limits`` holds the failures within the current
window, the lock-out and how many lock-outs came before.

The rules (:class:`Limit`; the defaults come from :class:`ServerSettings`):

- ``max_failures`` failures within ``window`` lock the subject out for ``lockout_base``;
  each further lock-out lasts twice as long as the one before, up to ``lockout_max``.
- A success forgives nothing: neither the count nor the lock-out history. Only time does:
  a subject with no failure for ``forget_after`` after its last lock-out ended starts
  again from nothing.

Checking and counting are one atomic step. :meth:`Attempt.hold` takes the subject's row
locked (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: a row lock on PostgreSQL; on
SQLite the writer's transaction, begun ``IMMEDIATE``, already excludes every other writer)
*before* the caller looks at the secret, and refuses when it is locked out. The caller then
looks at the secret, calls :meth:`Attempt.failed` on a wrong guess and commits. Parallel
guesses from one terminal therefore queue on its row and are evaluated one at a time: at
most ``max_failures`` of them are ever evaluated before the lock-out, in any number of
server processes.

Usage (a password login, say)::

    attempt = throttle.Attempt(session, limit, now)
    attempt.hold(throttle.Subject("password", f"terminal:{terminal}"))   # may raise Locked
    account = find_account(session, username)
    attempt.hold(throttle.Subject("password", f"account:{account.id}"))  # may raise Locked
    if not password_matches(account, password):
        attempt.failed()
        session.commit()
        raise WrongPassword
    ...  # success: nothing is forgiven, the rows are released by the commit
    session.commit()

Hold subjects in the same order everywhere (the terminal first, then the subject of the
secret) so that two transactions never wait for each other's rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.server.models import GuessLimit, table_of

_TABLE = table_of(GuessLimit)
_COLUMNS = _TABLE.c


@dataclass(frozen=True)
class Limit:
    """How many failures are allowed, and how long the lock-outs that follow last."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=5)
    lockout_base: timedelta = timedelta(minutes=5)
    lockout_max: timedelta = timedelta(hours=24)
    forget_after: timedelta = timedelta(hours=24)
    """A subject with no failure for this long after its last lock-out ended starts again
    with no history."""


@dataclass(frozen=True)
class Subject:
    """One counted thing: *kind* of secret guessed, and *who* guesses or is guessed at.

    E.g. ``Subject("pickup-code", "terminal:lobby-1")``, ``Subject("date-of-birth",
    "chart:42")``, ``Subject("password", "account:jane")``.
    """

    kind: str
    who: str


class Locked(Exception):
    """The subject is locked out for *retry_after* more seconds."""

    def __init__(self, subject: Subject, retry_after: int) -> None:
        super().__init__(f"{subject.kind} {subject.who}: locked for {retry_after} s")
        self.subject = subject
        self.retry_after = retry_after


@dataclass
class _Held:
    subject: Subject
    failures: int
    window_started_at: datetime | None
    locked_until: datetime | None
    lockouts: int
    last_failure_at: datetime | None


def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(
        kind=bindparam("kind"), who=bindparam("who"), failures=0, lockouts=0
    )
    # The no-op update makes the row come back (and, on PostgreSQL, locked) in one round trip.
    return statement.on_conflict_do_update(
        index_elements=[_COLUMNS.kind, _COLUMNS.who], set_={"kind": statement.excluded.kind}
    ).returning(
        _COLUMNS.failures,
        _COLUMNS.window_started_at,
        _COLUMNS.locked_until,
        _COLUMNS.lockouts,
        _COLUMNS.last_failure_at,
    )


_UPSERTS = {"postgresql": _upsert("postgresql"), "sqlite": _upsert("sqlite")}

_SAVE = (
    update(_TABLE)
    .where(_COLUMNS.kind == bindparam("b_kind"), _COLUMNS.who == bindparam("b_who"))
    .values(
        failures=bindparam("failures"),
        window_started_at=bindparam("window_started_at"),
        locked_until=bindparam("locked_until"),
        lockouts=bindparam("lockouts"),
        last_failure_at=bindparam("last_failure_at"),
    )
)


def _seconds_left(locked_until: datetime | None, now: datetime) -> int | None:
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds()))


class Attempt:
    """The throttle rows of one guess, held (locked) from before the secret is looked at
    until the session commits or rolls back."""

    def __init__(self, session: Session, limit: Limit, now: datetime) -> None:
        self._connection: Connection = session.connection()
        self.limit = limit
        self.now = now
        self._held: list[_Held] = []

    def hold(self, subject: Subject) -> None:
        """Lock *subject*'s row (made when missing); raise :class:`Locked` while locked out."""
        statement = _UPSERTS[self._connection.dialect.name]
        row = self._connection.execute(statement, {"kind": subject.kind, "who": subject.who}).one()
        held = _Held(subject, *row)
        self._held.append(held)
        retry_after = _seconds_left(held.locked_until, self.now)
        if retry_after is not None:
            raise Locked(subject, retry_after)

    def failed(self) -> None:
        """Count one failed guess against every held subject (not committed)."""
        for held in self._held:
            self._count(held)
            self._connection.execute(
                _SAVE,
                {
                    "b_kind": held.subject.kind,
                    "b_who": held.subject.who,
                    "failures": held.failures,
                    "window_started_at": held.window_started_at,
                    "locked_until": held.locked_until,
                    "lockouts": held.lockouts,
                    "last_failure_at": held.last_failure_at,
                },
            )

    def _count(self, held: _Held) -> None:
        limit, now = self.limit, self.now
        if held.last_failure_at is not None:
            quiet_since = max(held.last_failure_at, held.locked_until or held.last_failure_at)
            if now - quiet_since >= limit.forget_after:
                held.lockouts = 0
        window_start = held.window_started_at
        if window_start is None or now - window_start >= limit.window:
            held.failures = 0
            held.window_started_at = now
        held.failures += 1
        held.last_failure_at = now
        if held.failures >= limit.max_failures:
            held.lockouts += 1
            factor = 2 ** min(held.lockouts - 1, 30)
            held.locked_until = now + min(limit.lockout_base * factor, limit.lockout_max)
            held.failures = 0
            held.window_started_at = None
