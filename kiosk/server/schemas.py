"""The bodies of the staff's read routes: a chart with its documents and consents.

The bodies a terminal sends and reads are the wire contract, :mod:`kiosk.contract.wire`;
the staff routes' requests are :mod:`kiosk.server.schemas_staff`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    questionnaire: str
    title: str
    order_item: str
    document_type: str
    chart_tab: str
    filed_at: datetime
    response: dict[str, Any]


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    form_id: str
    title: str
    version: str
    language: str
    typed_name: str
    signed_at: datetime
    terminal: str


class ChartOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    kind: str
    first_name: str
    last_name: str
    portal: str
    department: str
    login_enabled: bool
    language: str
    terminal: str
    created_at: datetime
    date_of_birth: date | None
    email: str | None
    phone: str | None = None
    provider_organization: str | None
    external_id: str | None
    retired_at: datetime | None
    merged_into_id: int | None
    documents: list[DocumentOut]
    consents: list[ConsentOut]
