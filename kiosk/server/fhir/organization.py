"""Provider organizations, their departments and the tasklist queues as FHIR Organizations.

A provider organization is named by a chart, or by a portal's configuration; a
department (such as a portal's Applicant department) is ``partOf`` the provider
organization of the charts filed in it; a queue (type ``team``) is a Task's ``owner``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import func, select

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import DerivedKind
from kiosk.server.fhir.search import STANDARD, Criterion, ParamType, SearchParam, string_matches
from kiosk.server.models import Chart, Task


class OrganizationKind(DerivedKind):
    name = "Organization"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "name", ParamType.STRING, "The organization's name.", STANDARD + "Organization-name"
        ),
    )

    def matches(self, resource: dict[str, Any], criterion: Criterion) -> bool:
        if criterion.name == "name":
            return string_matches(resource.get("name"), criterion)
        return super().matches(resource, criterion)

    def all(self, ctx: Context) -> list[dict[str, Any]]:
        providers: dict[str, datetime] = {}
        departments: dict[tuple[str | None, str], datetime] = {}

        def seen(table: dict[Any, datetime], key: Any, when: datetime) -> None:
            table[key] = max(table.get(key, when), when)

        for stored in ctx.portals.values():
            if stored.config.provider_organization:
                seen(providers, stored.config.provider_organization, stored.updated_at)
        rows = ctx.session.execute(
            select(
                Chart.portal,
                Chart.provider_organization,
                Chart.department,
                func.max(Chart.updated_at),
            ).group_by(Chart.portal, Chart.provider_organization, Chart.department)
        )
        for portal, own_provider, department, updated in rows:
            provider = ctx.provider_of(portal, own_provider)
            if provider:
                seen(providers, provider, updated)
            if department.strip():
                seen(departments, (provider, department), updated)
        queues = ctx.session.execute(
            select(Task.queue, func.min(Task.created_at)).group_by(Task.queue)
        )
        resources = [provider_organization(name, when) for name, when in providers.items()]
        resources += [queue_organization(name, when) for name, when in queues]
        resources += [
            department_organization(provider, name, when)
            for (provider, name), when in departments.items()
        ]
        return sorted(resources, key=lambda r: r["id"])


def provider_organization(name: str, updated: datetime) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": s.provider_id(name),
        "meta": s.meta(updated),
        "identifier": [{"system": s.PROVIDER_ORGANIZATION, "value": name}],
        "active": True,
        "type": [{"coding": [s.coding(s.ORGANIZATION_TYPE, "prov", "Healthcare Provider")]}],
        "name": name,
    }


def queue_organization(name: str, first_used: datetime) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": s.queue_id(name),
        "meta": s.meta(first_used),
        "identifier": [{"system": s.QUEUE, "value": name}],
        "active": True,
        "type": [{"coding": [s.coding(s.ORGANIZATION_TYPE, "team", "Organizational team")]}],
        "name": name,
    }


def department_organization(provider: str | None, name: str, updated: datetime) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": s.department_id(provider, name),
        "meta": s.meta(updated),
        "identifier": [{"system": s.DEPARTMENT, "value": name}],
        "active": True,
        "type": [{"coding": [s.coding(s.ORGANIZATION_TYPE, "dept", "Hospital Department")]}],
        "name": name,
    }
    if provider:
        resource["partOf"] = s.reference("Organization", s.provider_id(provider), provider)
    return resource
