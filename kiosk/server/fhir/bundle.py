"""Search results as a FHIR ``searchset`` Bundle, with ``self``/``next``/``previous`` links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import Kind, Page, SqlKind
from kiosk.server.fhir.search import SearchRequest


def _link(ctx: Context, resource_type: str, items: Sequence[tuple[str, str]], offset: int) -> str:
    kept = [(k, v) for k, v in items if k != "_offset"]
    if offset:
        kept.append(("_offset", str(offset)))
    query = urlencode(kept)
    return ctx.url(resource_type) + (f"?{query}" if query else "")


def included(
    ctx: Context, kind: Kind, patients: Kind, page: Page, request: SearchRequest
) -> list[dict[str, Any]]:
    """The Patients that the page's resources name, for ``_include``."""
    if not request.includes or not isinstance(patients, SqlKind):
        return []
    ids: list[int] = []
    for resource in page.resources:
        ref = kind.patient_reference(resource)
        if ref and ref.startswith("Patient/"):
            number = int(ref.removeprefix("Patient/"))
            if number not in ids:
                ids.append(number)
    return patients.read_many(ctx, ids)


def searchset(
    ctx: Context,
    resource_type: str,
    items: Sequence[tuple[str, str]],
    request: SearchRequest,
    page: Page,
    includes: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    links = [{"relation": "self", "url": _link(ctx, resource_type, items, request.offset)}]
    if not request.summary_count and request.count:
        following = request.offset + request.count
        if following < page.total:
            links.append({"relation": "next", "url": _link(ctx, resource_type, items, following)})
        if request.offset > 0:
            previous = max(0, request.offset - request.count)
            links.append(
                {"relation": "previous", "url": _link(ctx, resource_type, items, previous)}
            )
    entries = [
        {
            "fullUrl": ctx.url(f"{r['resourceType']}/{r['id']}"),
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in page.resources
    ]
    entries += [
        {
            "fullUrl": ctx.url(f"{r['resourceType']}/{r['id']}"),
            "resource": r,
            "search": {"mode": "include"},
        }
        for r in includes
    ]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": page.total,
        "link": links,
    }
    if entries:
        bundle["entry"] = entries
    return bundle
