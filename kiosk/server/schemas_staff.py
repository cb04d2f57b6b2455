"""Request and response bodies of the staff (admin-token) routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from kiosk.contract.wire.fields import (
    IsoDate,
    JsonInt,
    Language,
    Name,
    Request,
    StrictId,
    Text,
    single_line,
)
from kiosk.server.models import EMAIL_MAX, EXTERNAL_ID_MAX, PHONE_MAX
from kiosk.server.portals import PortalName

EARLIEST_BIRTH = date(1900, 1, 1)
MAX_ASSIGNED = 50


def _plausible_birth(value: date) -> date:
    if not EARLIEST_BIRTH <= value <= date.today():
        raise ValueError(f"date of birth must be between {EARLIEST_BIRTH} and today")
    return value


BirthDate = Annotated[IsoDate, AfterValidator(_plausible_birth)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=EMAIL_MAX, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
    ),
    AfterValidator(single_line),
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=EXTERNAL_ID_MAX),
    AfterValidator(single_line),
]
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=PHONE_MAX, pattern=r"^\+?[0-9 ()./-]{3,}$"
    ),
]
StaffKind = Literal["employee", "contractor", "visitor"]


class ChartIn(Request):
    """``POST /v1/charts``: an employee, contractor or visitor chart with a pickup code."""

    kind: StaffKind = "employee"
    first_name: Name
    last_name: Name
    date_of_birth: BirthDate | None = Field(
        default=None, description="When given, the visitor confirms it to redeem the code."
    )
    email: Email | None = None
    phone: Phone | None = None
    portal: PortalName = Field(description="The portal (configured with PUT /v1/portals/NAME).")
    provider_organization: Text | None = Field(
        default=None, description="Defaults to the portal's provider organization."
    )
    department: Text | None = None
    language: Language = "en"
    external_id: ExternalId | None = Field(
        default=None, description="The HR feed's id for the person; unique when given."
    )
    questionnaires: list[Text] | None = Field(
        default=None,
        max_length=MAX_ASSIGNED,
        description="Questionnaire URLs of the portal to assign; none given: all of them.",
    )


class CodeIssued(BaseModel):
    chart_id: int
    reference: str
    pickup_code: str = Field(description="Shown once; only its hash is kept.")
    code_expires_at: datetime


class AssignIn(Request):
    """``POST /v1/charts/{id}/assignments``."""

    questionnaire: Text = Field(description="``URL|VERSION`` of the portal's, or the URL alone.")


class AssignmentOut(BaseModel):
    id: int
    chart_id: int
    questionnaire: str
    title: str
    document_type: str
    assigned_at: datetime


class IssueCodeIn(Request):
    ttl_days: JsonInt | None = Field(
        default=None, ge=1, le=365, description="Days the code is valid (default: the server's)."
    )


class MergeIn(Request):
    applicant_chart_id: StrictId
    employee_chart_id: StrictId


class MergeOut(BaseModel):
    id: int
    applicant_chart_id: int
    employee_chart_id: int
    merged_at: datetime
    merged_by: str
    documents_moved: int
    consents_moved: int
    tasks_moved: int
