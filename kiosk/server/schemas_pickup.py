"""Request and response bodies of the pickup-code routes (terminal tokens)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from kiosk.server.consents import ConsentDue
from kiosk.server.models import USERNAME_MAX
from kiosk.server.passwords import PASSWORD_MAX, password_problem
from kiosk.server.schemas import (
    MAX_CONSENTS,
    MAX_DOCUMENTS,
    ConsentIn,
    DocumentIn,
    IsoDate,
    _Request,
)

USERNAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._@-]{{2,{USERNAME_MAX - 1}}}$"
REDEMPTION_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"

CodeText = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9*~$= -]+$")
]
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]
RedemptionSecret = Annotated[str, StringConstraints(pattern=REDEMPTION_PATTERN)]


class CodeIn(_Request):
    """``POST /v1/pickup/verify``."""

    code: CodeText = Field(description="The pickup code; case, spaces and dashes are forgiven.")


class QuestionnaireDue(BaseModel):
    questionnaire: str
    title: str
    order_item: str
    document_type: str
    chart_tab: str


class PickupStatus(BaseModel):
    consents_due: list[ConsentDue]
    questionnaires: list[QuestionnaireDue]
    """The questionnaires assigned to the chart and not filed yet."""


class Verified(PickupStatus):
    masked_name: str
    date_of_birth_required: bool
    portal: str
    language: str = Field(default="en", description="The chart's preferred language.")


class ConfirmIn(_Request):
    """``POST /v1/pickup/confirm``: the date of birth, checked before the visit goes on."""

    code: CodeText
    date_of_birth: IsoDate | None = None


class Confirmed(BaseModel):
    confirmed: bool


class RedeemIn(_Request):
    """``POST /v1/pickup/redeem``: create the login, and file what is due at once if ready."""

    code: CodeText
    date_of_birth: IsoDate | None = Field(
        default=None, description="Required when verify said date_of_birth_required."
    )
    username: Username = Field(description="3..64 of A-Z a-z 0-9 . _ @ -, unique (any case).")
    password: Password = Field(description="8..128 characters, not a common password.")
    consents: list[ConsentIn] = Field(default_factory=list, max_length=MAX_CONSENTS)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)

    @field_validator("password")
    @classmethod
    def _password_rules(cls, password: str, info: ValidationInfo) -> str:
        problem = password_problem(password, info.data.get("username"))
        if problem is not None:
            raise ValueError(problem)
        return password


class Redeemed(PickupStatus):
    username: str
    redemption: str = Field(description="Send with follow-up calls from this terminal.")
    redemption_expires_at: datetime


class FollowUpConsentsIn(_Request):
    redemption: RedemptionSecret
    consents: list[ConsentIn] = Field(min_length=1, max_length=MAX_CONSENTS)


class FollowUpDocumentsIn(_Request):
    redemption: RedemptionSecret
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class RedemptionIn(_Request):
    redemption: RedemptionSecret


class UsernameIn(_Request):
    username: Username
    code: CodeText | None = Field(
        default=None,
        description="The pickup code being redeemed: its chart's own login name counts as free.",
    )


class UsernameAvailability(BaseModel):
    available: bool
