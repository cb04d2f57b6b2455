"""Consent signatures and which consents are due for a chart.

A portal's consent form is due for a chart when it was never signed there, when the
latest signature is older than the form's renewal interval, or when the latest signature
was given on a text that has since changed (its version is not the form's current version
in the language it was signed in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.contract.wire.applicant import ConsentIn
from kiosk.contract.wire.pickup import ConsentDue, DueReason
from kiosk.server.filing import consent_problems, consent_title
from kiosk.server.models import ConsentSignature
from kiosk.server.portals import ConsentForm, PortalConfig


def _why_due(form: ConsentForm, latest: ConsentSignature | None, now: datetime) -> DueReason | None:
    if latest is None:
        return DueReason.NEVER_SIGNED
    if form.versions.get(latest.language) != latest.version:
        return DueReason.TEXT_CHANGED
    renewal = form.renewal_interval_days
    if renewal is not None and latest.signed_at + timedelta(days=renewal) <= now:
        return DueReason.EXPIRED
    return None


def due_consents(
    portal: PortalConfig | None, signatures: Iterable[ConsentSignature], now: datetime
) -> list[ConsentDue]:
    """The portal's consent forms that are due, given a chart's *signatures*."""
    if portal is None:
        return []
    latest: dict[str, ConsentSignature] = {}
    for signature in signatures:
        seen = latest.get(signature.form_id)
        if seen is None or (signature.signed_at, signature.id or 0) > (
            seen.signed_at,
            seen.id or 0,
        ):
            latest[signature.form_id] = signature
    due = []
    for form in portal.consents:
        last = latest.get(form.form_id)
        reason = _why_due(form, last, now)
        if reason is not None:
            due.append(
                ConsentDue(
                    form_id=form.form_id,
                    title=form.title,
                    reason=reason,
                    versions=dict(form.versions),
                    renewal_interval_days=form.renewal_interval_days,
                    last_signed_at=None if last is None else last.signed_at,
                )
            )
    return due


def chart_signatures(session: Session, chart_id: int) -> list[ConsentSignature]:
    return list(
        session.scalars(select(ConsentSignature).where(ConsentSignature.chart_id == chart_id))
    )


def signing_problem(portal: PortalConfig | None, consents: Sequence[ConsentIn]) -> str | None:
    """Why *consents* cannot be recorded against *portal*'s forms, or None when they can
    (the first of :func:`kiosk.server.filing.consent_problems`, as one line)."""
    problems = consent_problems(portal, consents, where=("consents",))
    if not problems:
        return None
    first = problems[0]
    return f"consents[{first.loc[1]}].{first.loc[2]}: {first.msg}"


def signature_rows(
    portal: PortalConfig | None, consents: Sequence[ConsentIn], terminal: str
) -> list[ConsentSignature]:
    """New signature rows for *consents* signed at *terminal* (titles: the server's)."""
    return [
        ConsentSignature(
            form_id=consent.form_id,
            title=consent_title(portal, consent),
            version=consent.version,
            language=consent.language,
            typed_name=consent.typed_name,
            signed_at=consent.signed_at,
            terminal=terminal,
        )
        for consent in consents
    ]
