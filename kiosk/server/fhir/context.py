"""What the resource mappings share while answering one request: the session, the
base URL references are made absolute with, and the portals' configurations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.models import Portal
from kiosk.server.portals import PortalConfig


@dataclass(frozen=True)
class StoredPortal:
    config: PortalConfig
    title: str
    updated_at: datetime


@dataclass
class Context:
    session: Session
    base_url: str
    """The FHIR base, e.g. ``https://clinic.example/fhir/R4`` (no trailing slash)."""
    _portals: dict[str, StoredPortal] | None = field(default=None, repr=False)

    @property
    def portals(self) -> dict[str, StoredPortal]:
        if self._portals is None:
            rows = self.session.execute(
                select(Portal.name, Portal.title, Portal.config, Portal.updated_at)
            )
            self._portals = {
                row.name: StoredPortal(
                    PortalConfig.model_validate(row.config), row.title, row.updated_at
                )
                for row in rows
            }
        return self._portals

    def provider_of(self, portal: str, chart_provider: str | None) -> str | None:
        """The provider organization of a chart: its own, else its portal's."""
        if chart_provider:
            return chart_provider
        stored = self.portals.get(portal)
        return None if stored is None else stored.config.provider_organization

    def url(self, relative: str) -> str:
        return f"{self.base_url}/{relative}"
