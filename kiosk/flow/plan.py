"""The plan of every kind of visit: its step kinds and their order, without Textual.

A visit is a sequence of :class:`Step`; the table in ``screens/steps.py`` maps each kind to
its screen, and :mod:`kiosk.flow.progress` says which steps are shown and which still have a
problem.

* applicant: name, each consent of the portal, each questionnaire page, review;
* pickup code: "is this you?", the login, the consents due, the pages of the assigned
  questionnaires, the pickup review (which redeems the code);
* returning visitor (signed in with a login): the consents due, the pages of the
  questionnaires assigned and not filed yet, the returning review (which files them).
  The consent, page and review screens are the pickup visit's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class StepKind(StrEnum):
    """What a step asks of the visitor; each has one screen (``screens/steps.py``)."""

    NAME = "name"
    CONSENT = "consent"
    PAGE = "page"
    REVIEW = "review"
    IDENTITY = "identity"
    LOGIN = "login"
    PICKUP_REVIEW = "pickup-review"
    RETURNING_REVIEW = "returning-review"


@dataclass(frozen=True)
class Step:
    """One step of a visit: its kind, the consent or questionnaire *index*, and the *page*."""

    kind: StepKind
    index: int = 0
    page: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", StepKind(self.kind))  # "page" is StepKind.PAGE


def _pages(page_counts: Sequence[int]) -> list[Step]:
    """Every page of every questionnaire, in order (*page_counts*: pages per questionnaire)."""
    return [Step(StepKind.PAGE, q, p) for q, count in enumerate(page_counts) for p in range(count)]


def _consents(indexes: Iterable[int]) -> list[Step]:
    return [Step(StepKind.CONSENT, i) for i in indexes]


def applicant_steps(consent_count: int, page_counts: Sequence[int]) -> tuple[Step, ...]:
    return (
        Step(StepKind.NAME),
        *_consents(range(consent_count)),
        *_pages(page_counts),
        Step(StepKind.REVIEW),
    )


def pickup_steps(consents_due: Iterable[int], page_counts: Sequence[int]) -> tuple[Step, ...]:
    """*consents_due*: indexes of the portal's consent forms the backend says are due."""
    return (
        Step(StepKind.IDENTITY),
        Step(StepKind.LOGIN),
        *_consents(consents_due),
        *_pages(page_counts),
        Step(StepKind.PICKUP_REVIEW),
    )


def returning_steps(consents_due: Iterable[int], page_counts: Sequence[int]) -> tuple[Step, ...]:
    """Only what is due; empty when nothing is (the visit then ends at once)."""
    steps = (*_consents(consents_due), *_pages(page_counts))
    return (*steps, Step(StepKind.RETURNING_REVIEW)) if steps else ()
