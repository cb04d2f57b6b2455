"""Charts made by staff or the HR feed, and their pickup codes.

Each chart made here gets a pickup code at once. Issuing a new code revokes every
code the chart had, so only the newest one works.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.server.codes import code_digest, new_code
from kiosk.server.errors import ApiError
from kiosk.server.models import Assignment, Chart, ChartKind, Login, PickupCode, utc_now
from kiosk.server.portals import PortalConfig, QuestionnaireSpec, portal_config
from kiosk.server.reference import unused_reference
from kiosk.server.schemas_staff import AssignmentOut, ChartIn, CodeIssued


def _assignments(portal: PortalConfig, wanted: list[str] | None) -> list[Assignment]:
    if wanted is None:
        specs = list(portal.questionnaires)
    else:
        specs = []
        for url in dict.fromkeys(wanted):
            spec = portal.questionnaire(url)
            if spec is None:
                raise ApiError(
                    422,
                    "questionnaire_unknown",
                    f"questionnaire {url!r} is not one of the portal's",
                )
            specs.append(spec)
    now = utc_now()
    return [
        Assignment(
            questionnaire=spec.questionnaire,
            title=spec.title,
            order_item=spec.order_item,
            document_type=spec.document_type,
            chart_tab=spec.chart_tab,
            assigned_at=now,
        )
        for spec in specs
    ]


def _add_code(session: Session, chart: Chart, by: str, ttl: timedelta) -> CodeIssued:
    """Revoke the chart's codes and add a new one (not committed)."""
    now = utc_now()
    session.execute(
        update(PickupCode)
        .where(
            PickupCode.chart_id == chart.id,
            PickupCode.used_at.is_(None),
            PickupCode.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    code = new_code()
    row = PickupCode(
        chart_id=chart.id,
        code_hash=code_digest(code),
        created_at=now,
        expires_at=now + ttl,
        issued_by=by,
    )
    session.add(row)
    session.flush()
    return CodeIssued(
        chart_id=chart.id,
        reference=chart.reference,
        pickup_code=code,
        code_expires_at=row.expires_at,
    )


def create_chart(session: Session, payload: ChartIn, by: str, ttl: timedelta) -> CodeIssued:
    """Create the chart with its questionnaire assignments and a first pickup code (committed)."""
    portal = portal_config(session, payload.portal)
    if portal is None:
        raise ApiError(
            422, "portal_unknown", f"no portal {payload.portal!r} is configured on this server"
        )
    if payload.external_id is not None:
        taken = session.scalar(select(Chart.id).where(Chart.external_id == payload.external_id))
        if taken is not None:
            raise ApiError(
                409,
                "external_id_taken",
                f"a chart with external id {payload.external_id!r} exists already",
            )
    for _ in range(3):
        chart = Chart(
            reference=unused_reference(
                lambda ref: (
                    session.scalar(select(Chart.id).where(Chart.reference == ref)) is not None
                )
            ),
            kind=payload.kind,
            first_name=payload.first_name,
            last_name=payload.last_name,
            portal=payload.portal,
            department=payload.department or "",
            login_enabled=False,
            language=payload.language,
            terminal=by,
            created_at=utc_now(),
            date_of_birth=payload.date_of_birth,
            email=payload.email,
            phone=payload.phone,
            provider_organization=payload.provider_organization or portal.provider_organization,
            external_id=payload.external_id,
        )
        session.add(chart)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            if payload.external_id is not None and session.scalar(
                select(Chart.id).where(Chart.external_id == payload.external_id)
            ):
                raise ApiError(
                    409,
                    "external_id_taken",
                    f"a chart with external id {payload.external_id!r} exists already",
                ) from None
            continue  # a reference clash with a concurrent request
        for assignment in _assignments(portal, payload.questionnaires):
            assignment.chart_id = chart.id
            session.add(assignment)
        issued = _add_code(session, chart, by, ttl)
        session.commit()
        return issued
    raise ApiError(503, "busy", "could not store the chart; try again")


def issue_code(session: Session, chart_id: int, by: str, ttl: timedelta) -> CodeIssued:
    """A new pickup code for chart *chart_id*; the chart's earlier codes stop working."""
    chart = _staff_chart(session, chart_id)
    issued = _add_code(session, chart, by, ttl)
    session.commit()
    return issued


def _staff_chart(session: Session, chart_id: int) -> Chart:
    """A live employee, contractor or visitor chart, locked for update; refused otherwise."""
    chart = session.get(Chart, chart_id, with_for_update=True)
    if chart is None:
        raise ApiError(404, "chart_unknown", "No such chart.")
    if chart.kind == ChartKind.APPLICANT:
        raise ApiError(
            409,
            "chart_is_applicant",
            "applicant charts have no portal login; merge the chart first",
        )
    if chart.retired_at is not None:
        raise ApiError(409, "chart_retired", "the chart is retired")
    return chart


def _portal_spec(portal: PortalConfig, wanted: str) -> QuestionnaireSpec:
    """The portal's questionnaire *wanted* names: ``URL|VERSION`` exactly, or a URL alone
    when the portal has one version of it."""
    exact = portal.questionnaire(wanted)
    if exact is not None:
        return exact
    same_url = [q for q in portal.questionnaires if q.questionnaire.split("|", 1)[0] == wanted]
    if len(same_url) == 1:
        return same_url[0]
    if same_url:
        versions = ", ".join(q.questionnaire for q in same_url)
        raise ApiError(
            422, "questionnaire_ambiguous", f"the portal has several versions; name one: {versions}"
        )
    raise ApiError(
        422, "questionnaire_unknown", f"questionnaire {wanted!r} is not one of the portal's"
    )


def assign_questionnaire(session: Session, chart_id: int, wanted: str) -> AssignmentOut:
    """Assign one of the portal's questionnaires to the chart (committed); the next visit
    (pickup or login) offers it. Refused while the same one is assigned and not filed."""
    chart = _staff_chart(session, chart_id)
    portal = portal_config(session, chart.portal)
    if portal is None:
        raise ApiError(422, "portal_unknown", f"no portal {chart.portal!r} is configured")
    spec = _portal_spec(portal, wanted)
    waiting = session.scalar(
        select(Assignment.id).where(
            Assignment.chart_id == chart.id,
            Assignment.questionnaire == spec.questionnaire,
            Assignment.completed_at.is_(None),
        )
    )
    if waiting is not None:
        raise ApiError(
            409, "already_assigned", f"{spec.questionnaire} is assigned already and not filed yet"
        )
    (assignment,) = _assignments(portal, [spec.questionnaire])
    assignment.chart_id = chart.id
    session.add(assignment)
    session.flush()
    out = AssignmentOut.model_validate(assignment, from_attributes=True)
    session.commit()
    return out


def reset_login(session: Session, chart_id: int, by: str, ttl: timedelta) -> CodeIssued:
    """Disable the chart's password, end its open visits, and issue a new pickup code
    (committed); redeeming that code makes a new login."""
    from kiosk.server.returning import revoke_chart_visits

    chart = _staff_chart(session, chart_id)
    now = utc_now()
    session.execute(
        update(Login)
        .where(Login.chart_id == chart.id, Login.disabled_at.is_(None))
        .values(disabled_at=now)
    )
    chart.login_enabled = False
    revoke_chart_visits(session, chart.id, now)
    issued = _add_code(session, chart, by, ttl)
    session.commit()
    return issued
