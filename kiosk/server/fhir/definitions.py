"""The portals' questionnaires as FHIR JSON, kept so the FHIR API serves whole forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.models import QuestionnaireDefinition, utc_now


def put_definitions(session: Session, definitions: dict[str, dict[str, Any]]) -> None:
    """Create or replace the definition of each canonical name (not committed)."""
    now = utc_now()
    for canonical, resource in definitions.items():
        row = session.get(QuestionnaireDefinition, canonical)
        if row is None:
            session.add(
                QuestionnaireDefinition(canonical=canonical, resource=resource, updated_at=now)
            )
        elif row.resource != resource:
            row.resource = resource
            row.updated_at = now


def all_definitions(session: Session) -> dict[str, QuestionnaireDefinition]:
    return {row.canonical: row for row in session.scalars(select(QuestionnaireDefinition))}
