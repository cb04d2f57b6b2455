"""The one-time use code portal: verify a pickup code, redeem it for a login, and file
the consents and questionnaires that are due, at once or in follow-up calls.

Every guess goes through :mod:`kiosk.server.throttle`: the terminal's ``pickup-code`` row
is held (locked) before the code is looked up, and a chart's ``date-of-birth`` row before
its date of birth is compared, so parallel guesses are evaluated one at a time and a
success forgives no earlier failure.

An unusable code (wrong, expired, already used or revoked) always raises the same
:class:`CodeInvalid` after the same database work: one lookup by digest and one failure
counted against the terminal. The API layer pads those answers to a fixed minimum time.
Redeeming locks the code's row, and consuming it is one conditional UPDATE, so of two
terminals racing with one code exactly one wins (and only it hashes a password).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.contract.wire.applicant import ConsentIn, DocumentIn
from kiosk.contract.wire.pickup import (
    Confirmed,
    ConfirmIn,
    PickupStatus,
    QuestionnaireDue,
    Redeemed,
    RedeemIn,
    Verified,
)
from kiosk.server import throttle
from kiosk.server.codes import code_digest, legacy_code_digest, normalize_code
from kiosk.server.consents import (
    chart_signatures,
    due_consents,
    signature_rows,
    signing_problem,
)
from kiosk.server.errors import ApiError, PaddedRefusal
from kiosk.server.filing import FILED_FIELDS
from kiosk.server.models import (
    Assignment,
    Chart,
    Document,
    Login,
    PickupCode,
    Redemption,
    TaskEvent,
    utc_now,
)
from kiosk.server.portals import PortalConfig, portal_config
from kiosk.server.secrets_util import digest, new_secret
from kiosk.server.settings import ServerSettings
from kiosk.server.tasks import tasks_for

REDEMPTION_PREFIX = "rdm_"


CODE_INVALID = ApiError(404, "code_invalid", "This code cannot be used.")


class CodeInvalid(PaddedRefusal):
    """Wrong, expired, used or revoked: deliberately one exception for all of them.

    The API answers it with :data:`CODE_INVALID`, after a fixed minimum time.
    """

    answer = CODE_INVALID


def mask_name(first_name: str, last_name: str) -> str:
    """Initials only, with a fixed-length mask: ``A*** L***``."""
    return f"{first_name[:1]}*** {last_name[:1]}***"


def _canonical(code_text: str) -> str:
    code = normalize_code(code_text)
    if code is None:
        raise ApiError(
            422, "code_malformed", "This is not a pickup code (wrong length or check character)."
        )
    return code


def _usable_code(
    session: Session, code: str, now: datetime, *, lock: bool = False
) -> PickupCode | None:
    """The code's row when it can still be redeemed; the same single query either way.

    With *lock*, the row is locked for update (PostgreSQL), so a terminal racing another
    with the same code waits here and then sees it used.
    """
    keyed, legacy = code_digest(code), legacy_code_digest(code)
    query = select(PickupCode).where(PickupCode.code_hash.in_((keyed, legacy)))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is not None and row.code_hash == legacy:
        row.code_hash = keyed  # issued before the code key: stored keyed from now on
        session.flush()
    if row is None or row.used_at is not None or row.revoked_at is not None:
        return None
    if row.expires_at <= now:
        return None
    return row


PICKUP_CODE = "pickup-code"
"""The throttle kind of every failed pickup attempt of a terminal (wrong code or date of birth)."""
DATE_OF_BIRTH = "date-of-birth"
"""The throttle kind of a chart's failed date-of-birth confirmations, from any terminal."""


def hold(attempt: throttle.Attempt, subject: throttle.Subject, error: str, whose: str) -> None:
    """Hold *subject*'s throttle row for *attempt*; 429 *error* while it is locked out."""
    try:
        attempt.hold(subject)
    except throttle.Locked as exc:
        raise ApiError(
            429,
            error,
            f"Too many failed attempts {whose}; try again in {exc.retry_after} s.",
            retry_after=exc.retry_after,
        ) from None


def _hold_terminal(
    session: Session, terminal: str, now: datetime, settings: ServerSettings
) -> throttle.Attempt:
    """The terminal's pickup guess row, locked before any code is looked at; 429 while the
    terminal is locked out."""
    attempt = throttle.Attempt(session, settings.guess_limit, now)
    hold(
        attempt,
        throttle.Subject(PICKUP_CODE, f"terminal:{terminal}"),
        "terminal_locked",
        "from this terminal",
    )
    return attempt


def _invalid(session: Session, attempt: throttle.Attempt) -> CodeInvalid:
    """Count the failure, commit, and give the one answer for every unusable code."""
    attempt.failed()
    session.commit()
    return CodeInvalid()


def due_status(
    session: Session, chart: Chart, portal: PortalConfig | None, now: datetime
) -> PickupStatus:
    open_assignments = session.scalars(
        select(Assignment)
        .where(Assignment.chart_id == chart.id, Assignment.completed_at.is_(None))
        .order_by(Assignment.id)
    )
    return PickupStatus(
        consents_due=tuple(due_consents(portal, chart_signatures(session, chart.id), now)),
        questionnaires=tuple(
            QuestionnaireDue(
                questionnaire=a.questionnaire,
                title=a.title,
                order_item=a.order_item,
                document_type=a.document_type,
                chart_tab=a.chart_tab,
            )
            for a in open_assignments
        ),
    )


def verify(
    sessions: sessionmaker[Session],
    settings: ServerSettings,
    terminal: str,
    code_text: str,
    portals: frozenset[str] | None = None,
) -> Verified:
    """What the terminal needs to go on with a usable code (of a chart on one of *portals*,
    when the terminal's token is limited to some)."""
    code = _canonical(code_text)
    now = utc_now()
    with sessions() as session:
        attempt = _hold_terminal(session, terminal, now, settings)
        row = _usable_code(session, code, now)
        if row is None:
            raise _invalid(session, attempt)
        chart = session.get_one(Chart, row.chart_id)
        if portals is not None and chart.portal not in portals:
            raise _invalid(session, attempt)  # not this terminal's to use: the same answer
        portal = portal_config(session, chart.portal)
        status = due_status(session, chart, portal, now)
        session.commit()  # releases the terminal's row; a success forgives nothing
        return Verified(
            masked_name=mask_name(chart.first_name, chart.last_name),
            date_of_birth_required=chart.date_of_birth is not None,
            portal=chart.portal,
            language=chart.language,
            **status.model_dump(),
        )


def _check_birth_date(
    session: Session,
    attempt: throttle.Attempt,
    chart: Chart,
    given: date | None,
    now: datetime,
    settings: ServerSettings,
) -> None:
    """Refuse a missing or wrong date of birth; a wrong one counts against the terminal and
    the chart (the chart's row is held before the dates are compared)."""
    if chart.date_of_birth is None:
        return
    if given is None:
        raise ApiError(
            422, "date_of_birth_required", "this chart needs the date of birth confirmed"
        )
    hold(
        attempt,
        throttle.Subject(DATE_OF_BIRTH, f"chart:{chart.id}"),
        "date_of_birth_locked",
        "to confirm this chart's date of birth",
    )
    if given != chart.date_of_birth:
        _count_failed_confirmation(session, attempt, chart, now, settings)
        raise ApiError(
            422, "date_of_birth_mismatch", "The date of birth does not match the chart's."
        )


def confirm(
    sessions: sessionmaker[Session],
    settings: ServerSettings,
    terminal: str,
    payload: ConfirmIn,
    portals: frozenset[str] | None = None,
) -> Confirmed:
    """Check the date of birth at the identity step, as redeeming will (and counted alike)."""
    code = _canonical(payload.code)
    now = utc_now()
    with sessions() as session:
        attempt = _hold_terminal(session, terminal, now, settings)
        row = _usable_code(session, code, now)
        if row is None:
            raise _invalid(session, attempt)
        chart = session.get_one(Chart, row.chart_id)
        if portals is not None and chart.portal not in portals:
            raise _invalid(session, attempt)  # not this terminal's to use: the same answer
        _check_birth_date(session, attempt, chart, payload.date_of_birth, now, settings)
        session.commit()  # releases the rows held; a success forgives nothing
        return Confirmed(confirmed=True)


def _count_failed_confirmation(
    session: Session,
    attempt: throttle.Attempt,
    chart: Chart,
    now: datetime,
    settings: ServerSettings,
) -> None:
    """One more failed confirmation on *chart* and the terminal (committed); at the chart's
    limit, its codes go."""
    attempt.failed()
    failures = session.scalar(
        update(Chart)
        .where(Chart.id == chart.id)
        .values(failed_confirmations=Chart.failed_confirmations + 1)
        .returning(Chart.failed_confirmations)
    )
    if failures is not None and failures >= settings.chart_max_failures:
        session.execute(
            update(PickupCode)
            .where(
                PickupCode.chart_id == chart.id,
                PickupCode.used_at.is_(None),
                PickupCode.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        session.execute(update(Chart).where(Chart.id == chart.id).values(failed_confirmations=0))
    session.commit()


def _open_assignments(session: Session, chart_id: int) -> dict[str, Assignment]:
    rows = session.scalars(
        select(Assignment).where(Assignment.chart_id == chart_id, Assignment.completed_at.is_(None))
    )
    return {row.questionnaire: row for row in rows}


def _check_documents(open_: dict[str, Assignment], documents: Sequence[DocumentIn]) -> None:
    seen: set[str] = set()
    for index, doc in enumerate(documents):
        if doc.questionnaire not in open_:
            raise ApiError(
                422,
                "document_invalid",
                f"documents[{index}]: the questionnaire is not assigned to this chart"
                " or was filed already",
            )
        if doc.questionnaire in seen:
            raise ApiError(
                422, "document_invalid", f"documents[{index}]: the questionnaire is filed twice"
            )
        seen.add(doc.questionnaire)
        assigned = open_[doc.questionnaire]
        for field in FILED_FIELDS:
            sent = getattr(doc, field)
            if sent is not None and sent != getattr(assigned, field):
                raise ApiError(
                    422,
                    "document_invalid",
                    f"documents[{index}].{field}: the chart files this questionnaire with"
                    f" {field} {getattr(assigned, field)!r}",
                )


def _file(
    session: Session,
    chart: Chart,
    portal: PortalConfig | None,
    terminal: str,
    consents: Sequence[ConsentIn],
    documents: Sequence[DocumentIn],
    open_: dict[str, Assignment],
    now: datetime,
) -> None:
    """Add signatures, documents, completed assignments and their tasks (not committed)."""
    for signature in signature_rows(portal, consents, terminal):
        signature.chart_id = chart.id
        session.add(signature)
    filed_types = []
    for doc in documents:
        assignment = open_[doc.questionnaire]  # filed as assigned, never as the body says
        row = Document(
            chart_id=chart.id,
            questionnaire=doc.questionnaire,
            title=assignment.title,
            order_item=assignment.order_item,
            document_type=assignment.document_type,
            chart_tab=assignment.chart_tab,
            response=doc.response,
            filed_at=now,
            terminal=terminal,
        )
        session.add(row)
        session.flush()
        assignment.document_id = row.id
        assignment.completed_at = now
        filed_types.append(assignment.document_type)
    session.add_all(
        tasks_for(chart.portal, portal, chart.id, TaskEvent.DOCUMENT_FILED, filed_types)
    )


def _checked_filing(
    session: Session,
    chart: Chart,
    portal: PortalConfig | None,
    consents: Sequence[ConsentIn],
    documents: Sequence[DocumentIn],
) -> dict[str, Assignment]:
    """The chart's open assignments, once *consents* (forms of the portal, at their current
    text) and *documents* (each answering one of them) passed their checks; 422 otherwise."""
    problem = signing_problem(portal, consents)
    if problem is not None:
        raise ApiError(422, "consent_invalid", problem)
    open_ = _open_assignments(session, chart.id)
    _check_documents(open_, documents)
    return open_


def file_due(
    session: Session,
    chart: Chart,
    terminal: str,
    consents: Sequence[ConsentIn],
    documents: Sequence[DocumentIn],
    now: datetime,
) -> PickupStatus:
    """Check and file what a visit of a chart with a login sends after its start (a
    redemption's follow-ups, a returning visit); what is still due. Not committed."""
    portal = portal_config(session, chart.portal)
    open_ = _checked_filing(session, chart, portal, consents, documents)
    _file(session, chart, portal, terminal, consents, documents, open_, now)
    session.flush()
    return due_status(session, chart, portal, now)


def username_taken(session: Session, username: str, chart_id: int | None = None) -> bool:
    query = select(Login.chart_id).where(Login.username_key == username.casefold())
    owner = session.scalar(query)
    return owner is not None and owner != chart_id


@dataclass(frozen=True)
class _Checked:
    chart: Chart
    code_id: int
    portal: PortalConfig | None
    open_assignments: dict[str, Assignment]
    attempt: throttle.Attempt


def _check_redeem(
    session: Session,
    settings: ServerSettings,
    terminal: str,
    payload: RedeemIn,
    now: datetime,
    portals: frozenset[str] | None,
) -> _Checked:
    code = _canonical(payload.code)
    attempt = _hold_terminal(session, terminal, now, settings)
    row = _usable_code(session, code, now, lock=True)
    if row is None:
        raise _invalid(session, attempt)
    chart = session.get_one(Chart, row.chart_id)
    if portals is not None and chart.portal not in portals:
        raise _invalid(session, attempt)
    _check_birth_date(session, attempt, chart, payload.date_of_birth, now, settings)
    portal = portal_config(session, chart.portal)
    open_ = _checked_filing(session, chart, portal, payload.consents, payload.documents)
    if username_taken(session, payload.username, chart.id):
        raise ApiError(409, "username_taken", "this username is taken; choose another")
    return _Checked(chart, row.id, portal, open_, attempt)


def redeem(
    sessions: sessionmaker[Session],
    settings: ServerSettings,
    terminal: str,
    payload: RedeemIn,
    hash_password: Callable[[str], str],
    portals: frozenset[str] | None = None,
) -> Redeemed:
    """Consume the code, create (or reset) the chart's login, and file what came along.

    The password is hashed only once the code, the date of birth, the consents and the
    documents have passed their checks.
    """
    now = utc_now()
    with sessions() as session:
        checked = _check_redeem(session, settings, terminal, payload, now, portals)
        password_hash = hash_password(payload.password)
        chart = checked.chart
        consumed = session.execute(
            update(PickupCode)
            .where(
                PickupCode.id == checked.code_id,
                PickupCode.used_at.is_(None),
                PickupCode.revoked_at.is_(None),
                PickupCode.expires_at > now,
            )
            .values(used_at=now)
        )
        if consumed.rowcount != 1:  # type: ignore[attr-defined]
            raise _invalid(session, checked.attempt)  # another terminal won the race
        login = session.scalar(select(Login).where(Login.chart_id == chart.id))
        if login is None:
            login = Login(chart_id=chart.id, created_at=now)
            session.add(login)
        login.username = payload.username
        login.username_key = payload.username.casefold()
        login.password_hash = password_hash
        login.disabled_at = None
        chart.login_enabled = True
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise ApiError(
                409, "username_taken", "this username is taken; choose another"
            ) from None
        _file(
            session,
            chart,
            checked.portal,
            terminal,
            payload.consents,
            payload.documents,
            checked.open_assignments,
            now,
        )
        session.add_all(tasks_for(chart.portal, checked.portal, chart.id, TaskEvent.CODE_REDEEMED))
        secret = new_secret(REDEMPTION_PREFIX)
        expires_at = now + settings.redemption_ttl
        session.add(
            Redemption(
                chart_id=chart.id,
                code_id=checked.code_id,
                secret_hash=digest(secret),
                terminal=terminal,
                created_at=now,
                expires_at=expires_at,
            )
        )
        session.flush()
        status = due_status(session, chart, checked.portal, now)
        session.commit()
        return Redeemed(
            username=payload.username,
            redemption=secret,
            redemption_expires_at=expires_at,
            **status.model_dump(),
        )


def follow_up(
    sessions: sessionmaker[Session],
    terminal: str,
    secret: str,
    consents: Sequence[ConsentIn] = (),
    documents: Sequence[DocumentIn] = (),
) -> PickupStatus:
    """File consents and documents under a redemption made by the same terminal."""
    now = utc_now()
    with sessions() as session:
        redemption = session.scalar(
            select(Redemption).where(Redemption.secret_hash == digest(secret))
        )
        if redemption is None or redemption.terminal != terminal or redemption.expires_at <= now:
            raise ApiError(
                404, "redemption_invalid", "This redemption is unknown, expired or not yours."
            )
        chart = session.get_one(Chart, redemption.chart_id, with_for_update=True)
        status = file_due(session, chart, terminal, consents, documents, now)
        session.commit()
        return status


USERNAME_LOOKUP = "username-lookup"
"""The throttle kind of a terminal's username look-ups: each one counts, success or not."""


def username_available(
    sessions: sessionmaker[Session],
    settings: ServerSettings,
    terminal: str,
    username: str,
    code_text: str | None = None,
    portals: frozenset[str] | None = None,
) -> bool:
    """Whether *username* is free; each look-up counts against the terminal's limit
    (``username_lookup_limit``), so the routes cannot be used to list the usernames.

    With the pickup code being redeemed (*code_text*), the name of that chart's own login
    (disabled by ``reset-login``) counts as free, as redeeming allows it; the code is
    checked, and counted when unusable, as by verify."""
    now = utc_now()
    with sessions() as session:
        attempt = throttle.Attempt(session, settings.username_lookup_limit, now)
        hold(
            attempt,
            throttle.Subject(USERNAME_LOOKUP, f"terminal:{terminal}"),
            "terminal_locked",
            "from this terminal",
        )
        attempt.failed()  # a look-up, counted whatever it finds
        own_chart = None
        if code_text is not None:
            code = _canonical(code_text)
            code_attempt = _hold_terminal(session, terminal, now, settings)
            row = _usable_code(session, code, now)
            if row is None or (
                portals is not None and session.get_one(Chart, row.chart_id).portal not in portals
            ):
                raise _invalid(session, code_attempt)
            own_chart = row.chart_id
        available = not username_taken(session, username, own_chart)
        session.commit()
        return available
