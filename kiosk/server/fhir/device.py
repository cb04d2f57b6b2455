"""Terminals as FHIR Devices: every terminal that has a terminal token or filed
something. A terminal whose tokens are all revoked is ``inactive``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import func, select

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import DerivedKind
from kiosk.server.fhir.search import STANDARD, Criterion, ParamType, SearchParam, token_matches
from kiosk.server.models import ApiToken, ConsentSignature, Document


class DeviceKind(DerivedKind):
    name = "Device"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "identifier",
            ParamType.TOKEN,
            f"The terminal's name ({s.TERMINAL}).",
            STANDARD + "Device-identifier",
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "active, or inactive once every token of the terminal is revoked.",
            STANDARD + "Device-status",
        ),
    )

    def matches(self, resource: dict[str, Any], criterion: Criterion) -> bool:
        if criterion.name == "identifier":
            codes = [(i["system"], i["value"]) for i in resource["identifier"]]
            return token_matches(codes, criterion)
        if criterion.name == "status":
            return token_matches([(None, resource["status"])], criterion)
        return super().matches(resource, criterion)

    def all(self, ctx: Context) -> list[dict[str, Any]]:
        updated: dict[str, datetime] = {}
        active: dict[str, bool] = {}

        def seen(terminal: str, when: datetime) -> None:
            updated[terminal] = max(updated.get(terminal, when), when)

        tokens = ctx.session.execute(
            select(ApiToken.terminal, ApiToken.created_at, ApiToken.revoked_at).where(
                ApiToken.admin.is_(False), ApiToken.fhir_read.is_(False)
            )
        )
        for terminal, created_at, revoked_at in tokens:
            seen(terminal, revoked_at or created_at)
            active[terminal] = active.get(terminal, False) or revoked_at is None
        for model, column in (
            (Document, Document.terminal),
            (ConsentSignature, ConsentSignature.terminal),
        ):
            rows = ctx.session.execute(
                select(column, func.max(model.updated_at))
                .where(column.is_not(None))
                .group_by(column)
            )
            for filed_by, when in rows:
                assert filed_by is not None  # the query leaves out rows without a terminal
                seen(filed_by, when)
        resources = [device(name, when, active.get(name, True)) for name, when in updated.items()]
        return sorted(resources, key=lambda r: r["id"])


def device(terminal: str, updated: datetime, active: bool) -> dict[str, Any]:
    return {
        "resourceType": "Device",
        "id": s.device_id(terminal),
        "meta": s.meta(updated),
        "identifier": [{"system": s.TERMINAL, "value": terminal}],
        "status": "active" if active else "inactive",
        "deviceName": [{"name": terminal, "type": "user-friendly-name"}],
        "type": {"text": "Lobby kiosk terminal"},
    }
