"""Returning visitors: sign in with the login made from a pickup code, and file what is due.

Signing in checks the password (argon2) with the pickup codes' lock-out design
(:mod:`kiosk.server.throttle`, kind ``password``): the terminal's and the account's rows are
held *before* the password is looked at, so parallel guesses cannot get past the limits,
and a success forgives nothing. The account is counted by its case-folded username's
digest, whether or not a login has that name, so an unknown username is counted, locked
and answered exactly like a real one. It also costs the same argon2 work as a wrong
password (a dummy hash of the same parameters) and gets the same answer
(:data:`LOGIN_INVALID`); the API pads both to the same minimum time.

A successful sign-in issues a visit token bound to the terminal, valid for
``visit_ttl`` at most: the kiosk submits the visit with it once, and revokes it when the
visit ends (done, idle wipe, staff's End visit).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.contract.wire.pickup import PickupStatus
from kiosk.contract.wire.returning import LoginIn, SignedIn, VisitSubmitIn
from kiosk.server import throttle
from kiosk.server.errors import ApiError, PaddedRefusal
from kiosk.server.models import Chart, Login, VisitSession, utc_now
from kiosk.server.passwords import hasher, verify_password
from kiosk.server.pickup import due_status, file_due, hold, mask_name
from kiosk.server.portals import portal_config
from kiosk.server.secrets_util import digest, new_secret
from kiosk.server.settings import PasswordHashing, ServerSettings

VISIT_PREFIX = "vst_"
PASSWORD = "password"
"""The throttle kind of failed sign-ins (per terminal, and per username)."""


LOGIN_INVALID = ApiError(403, "login_invalid", "This username and password do not match.")


class LoginInvalid(PaddedRefusal):
    """Unknown username, wrong password, or a login staff disabled: one answer for all
    (:data:`LOGIN_INVALID`, after a fixed minimum time)."""

    answer = LOGIN_INVALID


VISIT_INVALID = ApiError(404, "visit_invalid", "This visit has ended, expired or is not yours.")


@cache
def _dummy_hash(params: PasswordHashing) -> str:
    """A hash of a random password with the server's parameters: an unknown username is
    checked against it, so it costs what a real login costs."""
    return hasher(params).hash(secrets.token_urlsafe(16))


def account_key(username: str) -> str:
    """Whose count a sign-in is: the hex SHA-256 of the case-folded username."""
    return hashlib.sha256(username.casefold().encode("utf-8")).hexdigest()


def _usable_login(session: Session, username: str) -> tuple[Login, Chart] | None:
    login = session.scalar(select(Login).where(Login.username_key == username.casefold()))
    if login is None or login.disabled_at is not None:
        return None
    chart = session.get(Chart, login.chart_id)
    if chart is None or not chart.login_enabled or chart.retired_at is not None:
        return None
    return login, chart


def sign_in(
    sessions: sessionmaker[Session],
    settings: ServerSettings,
    terminal: str,
    payload: LoginIn,
    verify: Callable[[str, str], bool] = verify_password,
    portals: frozenset[str] | None = None,
) -> SignedIn:
    """Check the password; a visit token and what is due, or :class:`LoginInvalid`.

    A terminal whose token is limited to some *portals* cannot sign in a chart of another
    portal: the one answer of a wrong password, after the same work."""
    now = utc_now()
    with sessions() as session:
        attempt = throttle.Attempt(session, settings.guess_limit, now)
        hold(
            attempt,
            throttle.Subject(PASSWORD, f"terminal:{terminal}"),
            "terminal_locked",
            "from this terminal",
        )
        hold(
            attempt,
            throttle.Subject(PASSWORD, f"account:{account_key(payload.username)}"),
            "account_locked",
            "for this username",
        )
        found = _usable_login(session, payload.username)
        if found is not None and portals is not None and found[1].portal not in portals:
            found = None
        stored = found[0].password_hash if found else _dummy_hash(settings.password_hashing)
        matches = verify(stored, payload.password)
        if found is None or not matches:
            attempt.failed()
            session.commit()
            raise LoginInvalid
        login, chart = found
        secret = new_secret(VISIT_PREFIX)
        expires_at = now + settings.visit_ttl
        session.add(
            VisitSession(
                chart_id=chart.id,
                secret_hash=digest(secret),
                terminal=terminal,
                created_at=now,
                expires_at=expires_at,
            )
        )
        portal = portal_config(session, chart.portal)
        status = due_status(session, chart, portal, now)
        session.commit()
        return SignedIn(
            visit_token=secret,
            visit_expires_at=expires_at,
            masked_name=mask_name(chart.first_name, chart.last_name),
            username=login.username,
            language=chart.language,
            portal=chart.portal,
            **status.model_dump(),
        )


@dataclass(frozen=True)
class _Open:
    row: VisitSession
    chart: Chart


def _open_visit(session: Session, terminal: str, token: str, now: datetime) -> _Open:
    row = session.scalar(select(VisitSession).where(VisitSession.secret_hash == digest(token)))
    if (
        row is None
        or row.terminal != terminal
        or row.revoked_at is not None
        or row.expires_at <= now
    ):
        raise VISIT_INVALID
    chart = session.get_one(Chart, row.chart_id, with_for_update=True)
    if chart.retired_at is not None or not chart.login_enabled:
        raise VISIT_INVALID
    return _Open(row, chart)


def visit_status(sessions: sessionmaker[Session], terminal: str, token: str) -> PickupStatus:
    """What is due for the signed-in visitor now."""
    now = utc_now()
    with sessions() as session:
        visit = _open_visit(session, terminal, token, now)
        return due_status(session, visit.chart, portal_config(session, visit.chart.portal), now)


def submit_visit(
    sessions: sessionmaker[Session], terminal: str, payload: VisitSubmitIn
) -> PickupStatus:
    """File the visit's signatures and documents, once per visit token; what is still due."""
    now = utc_now()
    with sessions() as session:
        visit = _open_visit(session, terminal, payload.visit_token, now)
        if visit.row.submitted_at is not None:
            raise ApiError(409, "visit_submitted", "This visit was submitted already.")
        visit.row.submitted_at = now  # rolled back with the rest if the body is refused
        status = file_due(session, visit.chart, terminal, payload.consents, payload.documents, now)
        session.commit()
        return status


def end_visit(sessions: sessionmaker[Session], terminal: str, token: str) -> None:
    """Revoke the visit token (again is fine); another terminal's token is unknown here."""
    now = utc_now()
    with sessions() as session:
        row = session.scalar(select(VisitSession).where(VisitSession.secret_hash == digest(token)))
        if row is None or row.terminal != terminal:
            raise VISIT_INVALID
        if row.revoked_at is None:
            row.revoked_at = now
        session.commit()


def revoke_chart_visits(session: Session, chart_id: int, now: datetime) -> int:
    """Revoke every open visit token of the chart (not committed); how many there were."""
    result = session.execute(
        update(VisitSession)
        .where(VisitSession.chart_id == chart_id, VisitSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
