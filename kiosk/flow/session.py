"""One visitor's visit: everything they typed, held in memory only until the visit ends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from kiosk.config import PortalConfig
from kiosk.flow.names import name_key, normalize_name
from kiosk.i18n import _
from kiosk.questionnaire import Answers, Path, Questionnaire


@dataclass(frozen=True)
class ConsentSignature:
    """The visitor's agreement to one consent form, on the exact text they were shown."""

    form_id: str
    title: str
    version: str
    language: str
    typed_name: str
    signed_at: datetime


@dataclass(frozen=True)
class PortalQuestionnaire:
    """A loaded questionnaire with how the portal files it."""

    questionnaire: Questionnaire
    order_item: str
    document_type: str
    chart_tab: str


class DraftKey(NamedTuple):
    """Where a draft (text typed but not, or not validly, an answer yet) belongs."""

    questionnaire: int
    """The index of the questionnaire in the visit."""
    link_id: str
    path: Path
    """The instance path of the item (see :mod:`kiosk.questionnaire.answers`)."""
    slot: int | str
    """Which part of the item's field: a row of its answers (0 for the only one), ``"other"``
    (an open-choice's own answer) or ``"unit"`` (the unit chosen for a quantity)."""


@dataclass(eq=False)
class Visit:
    """The state of one applicant's visit. :meth:`wipe` forgets all of it."""

    portal: PortalConfig
    questionnaires: tuple[PortalQuestionnaire, ...]
    language: str
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    first_name: str = ""
    last_name: str = ""
    signatures: dict[str, ConsentSignature] = field(default_factory=dict)
    answers: list[Answers] = field(default_factory=list)
    drafts: dict[DraftKey, str] = field(default_factory=dict)
    """What was typed into the questionnaires' text fields, kept even when it is not valid."""

    def __post_init__(self) -> None:
        if not self.answers:
            self.answers = [{} for _ in self.questionnaires]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def signature_label(self) -> str:
        """What the consent screen asks for above its signature field."""
        return _("Type your full name to sign: {name}").format(name=self.full_name)

    def signature_problem(self, typed: str) -> str | None:
        """Why *typed* does not sign a consent for this visitor, or None when it does."""
        name = normalize_name(typed)
        if not name:
            return _("Type your full name to sign.")
        if name_key(name) != name_key(self.full_name):
            return _("Type your name exactly as you entered it: {name}").format(name=self.full_name)
        return None

    def wipe(self) -> None:
        """Forget everything the visitor entered."""
        self.first_name = ""
        self.last_name = ""
        self.signatures.clear()
        for answers in self.answers:
            answers.clear()
        self.drafts.clear()
