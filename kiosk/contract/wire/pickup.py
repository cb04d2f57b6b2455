"""The pickup-code routes' bodies (``/v1/pickup/...``), and what is due on a chart.

A terminal verifies a code, confirms the date of birth, redeems the code for a login with
whatever consents and documents are ready, and files the rest in follow-up calls; every
answer says what is still due (:class:`PickupStatus`). A returning visitor's sign-in
answers the same (:mod:`kiosk.contract.wire.returning`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from kiosk.contract.login_rules import PASSWORD_MAX, USERNAME_PATTERN, password_refusal
from kiosk.contract.wire.applicant import ConsentIn, DocumentIn
from kiosk.contract.wire.fields import MAX_CONSENTS, MAX_DOCUMENTS, Answer, IsoDate, Request

REDEMPTION_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"

CodeText = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9*~$= -]+$")
]
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]
RedemptionSecret = Annotated[str, StringConstraints(pattern=REDEMPTION_PATTERN)]


class DueReason(StrEnum):
    NEVER_SIGNED = "never_signed"
    EXPIRED = "expired"
    TEXT_CHANGED = "text_changed"


class ConsentDue(Answer):
    """A consent form the chart must sign (again), and why."""

    form_id: str
    title: str
    reason: DueReason
    versions: dict[str, str]
    """The current version in each language: sign one of these."""
    renewal_interval_days: int | None
    last_signed_at: datetime | None


class QuestionnaireDue(Answer):
    questionnaire: str
    """Canonical URL, ``url|version``: the ``questionnaire`` of the document to send."""
    title: str
    order_item: str
    document_type: str
    chart_tab: str


class PickupStatus(Answer):
    consents_due: tuple[ConsentDue, ...]
    questionnaires: tuple[QuestionnaireDue, ...]
    """The questionnaires assigned to the chart and not filed yet."""

    @property
    def complete(self) -> bool:
        """Nothing left to sign or fill in."""
        return not self.consents_due and not self.questionnaires


class CodeIn(Request):
    """``POST /v1/pickup/verify``."""

    code: CodeText = Field(description="The pickup code; case, spaces and dashes are forgiven.")


class Verified(PickupStatus):
    masked_name: str
    date_of_birth_required: bool
    portal: str
    language: str = Field(default="en", description="The chart's preferred language.")


class ConfirmIn(Request):
    """``POST /v1/pickup/confirm``: the date of birth, checked before the visit goes on."""

    code: CodeText
    date_of_birth: IsoDate | None = None


class Confirmed(Answer):
    confirmed: bool


class RedeemIn(Request):
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
        problem = password_refusal(password, info.data.get("username"))
        if problem is not None:
            raise ValueError(problem)
        return password


class Redeemed(PickupStatus):
    username: str
    redemption: str = Field(description="Send with follow-up calls from this terminal.")
    redemption_expires_at: datetime


class FollowUpConsentsIn(Request):
    redemption: RedemptionSecret
    consents: list[ConsentIn] = Field(min_length=1, max_length=MAX_CONSENTS)


class FollowUpDocumentsIn(Request):
    redemption: RedemptionSecret
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class RedemptionIn(Request):
    redemption: RedemptionSecret


class UsernameIn(Request):
    username: Username
    code: CodeText | None = Field(
        default=None,
        description="The pickup code being redeemed: its chart's own login name counts as free.",
    )


class UsernameAvailability(Answer):
    available: bool
