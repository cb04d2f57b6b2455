"""Filing an applicant's visit: one chart, its documents and consents, exactly once per key.

Idempotency rests on the primary key of ``idempotency_keys``: the record is written
atomically with the chart, so when two requests race with one key the loser's write
fails, it rolls back, and it answers with the winner's chart. Keys are scoped to the
terminal: what is stored is :func:`scoped_key` of the token's terminal and the key, so
another terminal sending the same key files its own visit and learns nothing of the first.

Nothing about where a visit is filed comes from the body: the terminal is the token's,
the portal must be configured on the server (and allowed for the token), and the
department and each document's filing come from the portal's configuration
(:mod:`kiosk.server.filing`); anything else is refused with :class:`Refused`.

This is the server's hot path. It speaks SQLAlchemy Core rather than the ORM, prepares
every row before it opens the transaction (on SQLite: before it queues for the one
writer), finds the key's earlier record and the portal's task rules in one query, and
then writes with one statement per table (:mod:`kiosk.server.intake_sql`), the same
statements on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.contract.wire.applicant import ApplicantCreated, ApplicantIn
from kiosk.server import intake_sql
from kiosk.server.filing import Problem, Refused
from kiosk.server.intake_sql import Filing, VisitRows
from kiosk.server.models import utc_now
from kiosk.server.portals import PortalConfig, parse_portal_config
from kiosk.server.reference import new_reference
from kiosk.server.tokens import Caller


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request body."""


class IntakeRetriesExhausted(Exception):
    """The chart could not be written after several attempts (reference clashes)."""


class Earlier(NamedTuple):
    """What the database holds before a filing: the key's answer, and the portal's rules."""

    replay: ApplicantCreated | None
    portal: PortalConfig | None


def fingerprint(payload: ApplicantIn) -> str:
    """Hex SHA-256 of the validated body in canonical JSON (key order and spacing ignored)."""
    canonical = json.dumps(
        payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _look_up(session: Session, key: str, digest: str, portal: str) -> Earlier:
    """The earlier answer to *key* (None when it is new) and portal *portal*'s configuration.

    Raises :class:`IdempotencyConflict` when *key* was used with another body.
    """
    found = intake_sql.look_up(session.connection(), key, portal)
    stored = found.portal_config
    config = None if stored is None else parse_portal_config(stored)
    if found.fingerprint is None or found.response_body is None:
        return Earlier(None, config)
    if found.fingerprint != digest:
        raise IdempotencyConflict(key)
    body = found.response_body
    replay = ApplicantCreated(chart_id=body["chart_id"], reference=body["reference"], created=False)
    return Earlier(replay, config)


def scoped_key(terminal: str, key: str) -> str:
    """The stored form of *terminal*'s Idempotency-Key *key*: hex SHA-256 of both."""
    return hashlib.sha256(f"{terminal}\n{key}".encode()).hexdigest()


def caller_problems(caller: Caller, payload: ApplicantIn) -> list[Problem]:
    """What the token itself refuses: another terminal's name, a portal it may not file for."""
    problems = []
    if payload.terminal is not None and payload.terminal != caller.terminal:
        problems.append(
            Problem(
                ("body", "terminal"),
                "this token belongs to another terminal; visits are filed under the token's",
                "terminal_mismatch",
            )
        )
    if not caller.may_use_portal(payload.portal):
        problems.append(
            Problem(("body", "portal"), "this token may not file for this portal", "forbidden")
        )
    return problems


def _not_configured() -> Refused:
    return Refused(
        [Problem(("body", "portal"), "no such portal is configured on this server", "unknown")]
    )


def create_applicant(
    sessions: sessionmaker[Session],
    caller: Caller,
    key: str,
    payload: ApplicantIn,
    attempts: int = 3,
) -> ApplicantCreated:
    """File *payload* from *caller* under *key*, or answer the earlier filing of the same key
    and body by the same terminal.

    A reference that another chart has already is caught by its unique constraint and
    the visit is filed again under a new one. Raises :class:`IdempotencyConflict` when
    *key* was used with another body, :class:`Refused` when the token or the portal's
    configuration refuses the body.
    """
    problems = caller_problems(caller, payload)
    if problems:
        raise Refused(problems)
    digest = fingerprint(payload)
    stored_key = scoped_key(caller.terminal, key)
    for _ in range(attempts):
        with sessions() as session:
            earlier = _look_up(session, stored_key, digest, payload.portal)
            if earlier.replay is not None:
                return earlier.replay
            if earlier.portal is None:
                raise _not_configured()
            visit = VisitRows.of(payload, caller.terminal, earlier.portal)
            filing = Filing(visit, earlier.portal, stored_key, digest, new_reference(), utc_now())
            try:
                chart_id = intake_sql.write(session.connection(), filing)
                session.commit()
            except IntegrityError:
                session.rollback()
                replay = _look_up(session, stored_key, digest, payload.portal).replay
                if replay is not None:
                    return replay
                continue  # not our key: a reference clash with another chart; retry
            return ApplicantCreated(chart_id=chart_id, reference=filing.reference, created=True)
    raise IntakeRetriesExhausted(f"gave up after {attempts} attempts")
