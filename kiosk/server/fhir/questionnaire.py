"""The portals' questionnaires as FHIR Questionnaires: one per canonical URL and version,
either configured on a portal (``active``, with the portal as ``useContext``) or only
found on filed documents (``retired``).

A questionnaire loaded with ``kiosk-server portals load --kiosk-config`` is served whole,
as the kiosk's file has it (items and all); one the server only knows by its canonical
name (a portal file, or a filed document) carries identity, title and use, no items."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import func, select

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.definitions import all_definitions
from kiosk.server.fhir.kinds import DerivedKind
from kiosk.server.fhir.search import STANDARD, Criterion, ParamType, SearchParam, token_matches
from kiosk.server.models import Document


class QuestionnaireKind(DerivedKind):
    name = "Questionnaire"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam("url", ParamType.URI, "The canonical URL.", STANDARD + "Questionnaire-url"),
        SearchParam(
            "version", ParamType.TOKEN, "The business version.", STANDARD + "Questionnaire-version"
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "active (on a portal now) or retired (only on filed documents).",
            STANDARD + "Questionnaire-status",
        ),
    )

    def matches(self, resource: dict[str, Any], criterion: Criterion) -> bool:
        if criterion.name == "url":
            return resource["url"] in criterion.values
        if criterion.name == "version":
            return token_matches([(None, resource.get("version", ""))], criterion)
        if criterion.name == "status":
            return token_matches([(None, resource["status"])], criterion)
        return super().matches(resource, criterion)

    def all(self, ctx: Context) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for portal_name, stored in sorted(ctx.portals.items()):
            for spec in stored.config.questionnaires:
                entry = found.setdefault(
                    spec.questionnaire,
                    {"title": spec.title, "portals": [], "updated": stored.updated_at},
                )
                entry["portals"].append((portal_name, stored.title))
                entry["updated"] = max(entry["updated"], stored.updated_at)
        filed = ctx.session.execute(
            select(
                Document.questionnaire, func.min(Document.title), func.max(Document.updated_at)
            ).group_by(Document.questionnaire)
        )
        for canonical, title, updated in filed:
            entry = found.setdefault(canonical, {"title": title, "portals": [], "updated": updated})
            entry["updated"] = max(entry["updated"], updated)
        definitions = all_definitions(ctx.session)
        resources = []
        for canonical, e in found.items():
            definition = definitions.get(canonical)
            updated = e["updated"]
            if definition is not None:
                updated = max(updated, definition.updated_at)
            resources.append(
                questionnaire(
                    canonical,
                    e["title"],
                    e["portals"],
                    updated,
                    None if definition is None else definition.resource,
                )
            )
        return sorted(resources, key=lambda r: r["id"])


_REPLACED = ("id", "meta", "url", "version", "status", "text")


def questionnaire(
    canonical: str,
    title: str,
    portals: list[tuple[str, str]],
    updated: datetime,
    definition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    url, _, version = canonical.partition("|")
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": s.questionnaire_id(canonical),
        "meta": s.meta(updated),
        "url": url,
        "title": title,
    }
    if version:
        resource["version"] = version
    if definition is not None:
        resource.update({k: v for k, v in definition.items() if k not in _REPLACED})
    resource["status"] = "active" if portals else "retired"
    resource.setdefault("subjectType", ["Patient"])
    if portals:
        resource["useContext"] = [*definition.get("useContext", [])] if definition else []
        resource["useContext"] += [
            {
                "code": s.coding(s.USAGE_CONTEXT_TYPE, "venue", "Clinical Venue"),
                "valueCodeableConcept": {
                    "coding": [s.coding(s.PORTAL, name, portal_title)],
                    "text": portal_title,
                },
            }
            for name, portal_title in portals
        ]
    return resource
