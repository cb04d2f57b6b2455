"""What the backend answers to the pickup-code calls, as the terminal reads it.

These mirror the server's response bodies (``kiosk/server/schemas_pickup.py``) but are
defined here so that the kiosk does not import the server; unknown fields are ignored,
so a newer server does not break an older terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ConsentDue(_Answer):
    """A consent form the visitor must sign (again), and why."""

    form_id: str
    title: str
    reason: Literal["never_signed", "expired", "text_changed"]
    versions: dict[str, str]
    """The current version in each language; the signature must carry one of these."""
    renewal_interval_days: int | None = None
    last_signed_at: datetime | None = None


class QuestionnaireDue(_Answer):
    """A questionnaire assigned to the chart and not filed yet, and how it is filed."""

    questionnaire: str
    """Canonical URL, ``url|version``: the ``questionnaire`` of the document to send."""
    title: str
    order_item: str
    document_type: str
    chart_tab: str


class PickupStatus(_Answer):
    consents_due: tuple[ConsentDue, ...] = ()
    questionnaires: tuple[QuestionnaireDue, ...] = ()

    @property
    def complete(self) -> bool:
        """Nothing left to sign or fill in."""
        return not self.consents_due and not self.questionnaires


class Verification(PickupStatus):
    """A usable code: whom it is for (masked), and what the visit will ask."""

    masked_name: str
    date_of_birth_required: bool
    portal: str
    language: str = ""
    """The chart's preferred language (the visit starts in it when the terminal has it)."""


class Redemption(PickupStatus):
    """A redeemed code: the login exists; what is still due goes in follow-up calls."""

    username: str
    redemption: str
    """The secret for :meth:`kiosk.backend.client.BackendClient.sign_consents` and friends."""
    redemption_expires_at: datetime


class SignedIn(PickupStatus):
    """A returning visitor signed in: what is due, and the visit's token."""

    visit_token: str
    """Sent with this visit's calls; revoked when the visit ends."""
    masked_name: str
    username: str
    language: str = ""
    portal: str = ""
