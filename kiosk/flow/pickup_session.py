"""Visits of people whose chart exists: a pickup-code visit (the code, who it belongs to,
masked, the login being made) and a returning visitor's (signed in with that login).

Both are a :class:`Visit`, so the consent, questionnaire and review screens of the applicant
visit serve it too. The visitor's real name never reaches the terminal, only its masked
form (``J*** D***``); a consent is signed by typing the full name, checked against those
initials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kiosk.flow.names import name_key, normalize_name
from kiosk.flow.session import Visit
from kiosk.i18n import _

if TYPE_CHECKING:  # the wire contract loads pydantic; a visit's state only names its answers
    from kiosk.contract.wire.pickup import ConsentDue, QuestionnaireDue, Verified
    from kiosk.contract.wire.returning import SignedIn


@dataclass(eq=False)
class MaskedVisit(Visit):
    """A visit of someone whose chart exists: the terminal knows only the masked name, and
    the backend says what is due (consents to sign, questionnaires assigned)."""

    masked_name: str = ""
    consents_due: tuple[ConsentDue, ...] = ()
    assigned: tuple[QuestionnaireDue, ...] = ()
    not_here: tuple[QuestionnaireDue, ...] = ()
    """Assigned questionnaires this terminal does not have: done later, in the portal."""
    submit_attempted: bool = False
    """A submission was sent and its answer may have been lost."""
    problems: dict[str, str] = field(default_factory=dict)
    """Problems the backend found, by field id (``dob``, ``username``, ``password``)."""

    @property
    def initials(self) -> tuple[str, ...]:
        """The first letters of the masked name's parts."""
        return tuple(name_key(part[0]) for part in self.masked_name.split() if part)

    def signature_label(self) -> str:
        return _("Type your full name to sign ({masked}):").format(masked=self.masked_name)

    def signature_problem(self, typed: str) -> str | None:
        name = normalize_name(typed)
        if not name:
            return _("Type your full name to sign.")
        parts = name.split()
        initials = self.initials
        if len(parts) < 2 or len(initials) < 2:
            return _("Type your first and last name.")
        first, last = name_key(parts[0]), name_key(parts[-1])
        if not (first.startswith(initials[0]) and last.startswith(initials[-1])):
            return _("Type your name as it is on your record: {masked}").format(
                masked=self.masked_name
            )
        return None

    def wipe(self) -> None:
        super().wipe()
        self.masked_name = ""
        self.problems.clear()


@dataclass(eq=False)
class PickupVisit(MaskedVisit):
    """The state of one pickup-code visit; :meth:`wipe` forgets all of it."""

    code: str = ""
    date_of_birth_required: bool = False
    date_of_birth: date | None = None
    dob_text: str = ""
    """What was typed as the date of birth, kept even when it does not parse."""
    dob_confirmed: date | None = None
    """The date of birth the backend confirmed at the identity step."""
    username: str = ""
    password: str = ""

    def accept(self, code: str, verification: Verified) -> None:
        self.code = code
        self.masked_name = verification.masked_name
        self.date_of_birth_required = verification.date_of_birth_required
        self.consents_due = verification.consents_due

    def wipe(self) -> None:
        super().wipe()
        self.code = ""
        self.date_of_birth = None
        self.dob_confirmed = None
        self.dob_text = ""
        self.username = ""
        self.password = ""


@dataclass(eq=False)
class ReturningVisit(MaskedVisit):
    """A returning visitor signed in with their login; :meth:`wipe` forgets all of it."""

    visit_token: str = ""
    """The backend's token for this visit; revoked when the visit ends."""
    username: str = ""

    def accept(self, signed_in: SignedIn) -> None:
        self.visit_token = signed_in.visit_token
        self.masked_name = signed_in.masked_name
        self.username = signed_in.username
        self.consents_due = signed_in.consents_due

    def wipe(self) -> None:
        super().wipe()
        self.visit_token = ""
        self.username = ""
