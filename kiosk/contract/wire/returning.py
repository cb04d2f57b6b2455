"""A returning visitor's bodies: ``POST /v1/login`` and the visit's calls (``/v1/visit/...``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from kiosk.contract.login_rules import PASSWORD_MAX
from kiosk.contract.wire.applicant import ConsentIn, DocumentIn
from kiosk.contract.wire.fields import MAX_CONSENTS, MAX_DOCUMENTS, Request
from kiosk.contract.wire.pickup import PickupStatus

VISIT_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"

LoginName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""Any text: a name no login could have is answered like a wrong password, not as a 422."""
LoginPassword = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]
VisitToken = Annotated[str, StringConstraints(pattern=VISIT_TOKEN_PATTERN)]


class LoginIn(Request):
    """``POST /v1/login``: a returning visitor's username and password."""

    username: LoginName
    password: LoginPassword


class SignedIn(PickupStatus):
    """A returning visitor signed in: what is due for them, and the visit's token."""

    visit_token: str = Field(description="Send with this visit's calls; revoked at its end.")
    visit_expires_at: datetime
    masked_name: str
    username: str
    language: str = Field(description="The chart's preferred language.")
    portal: str


class VisitIn(Request):
    visit_token: VisitToken


class VisitSubmitIn(Request):
    """``POST /v1/visit/submit``: the consents signed and questionnaires filled, at once."""

    visit_token: VisitToken
    consents: list[ConsentIn] = Field(default_factory=list, max_length=MAX_CONSENTS)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
