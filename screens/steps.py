"""Which screen shows which step of a visit: one line per step kind.

A new kind of step is a :class:`~kiosk.flow.plan.StepKind`, a screen module whose screen
is a :class:`~screens.base.VisitScreen`, and one line here. The screens load when their
step is first shown, so that Welcome does not wait for them.
"""

from __future__ import annotations

from importlib import import_module

from kiosk.flow.plan import Step, StepKind
from screens.base import VisitScreen

SCREEN_FOR_KIND: dict[StepKind, str] = {
    StepKind.NAME: "screens.name_entry.NameScreen",
    StepKind.CONSENT: "screens.consent.ConsentScreen",
    StepKind.PAGE: "screens.questionnaire_page.QuestionnairePageScreen",
    StepKind.REVIEW: "screens.review.ReviewScreen",
    StepKind.IDENTITY: "screens.pickup_identity.IdentityScreen",
    StepKind.LOGIN: "screens.pickup_login.LoginScreen",
    StepKind.PICKUP_REVIEW: "screens.pickup_review.PickupReviewScreen",
    StepKind.RETURNING_REVIEW: "screens.returning_review.ReturningReviewScreen",
}
"""Each step kind's screen class, by its dotted path."""


def screen_class(kind: StepKind) -> type[VisitScreen]:
    """The screen class of steps of *kind* (its module is imported now)."""
    module, _dot, name = SCREEN_FOR_KIND[kind].rpartition(".")
    screen: type[VisitScreen] = getattr(import_module(module), name)
    return screen


def screen_for_step(step: Step, index: int, *, editing: bool = False) -> VisitScreen:
    """A new screen for *step*, the *index*-th of the visit."""
    return screen_class(step.kind).for_step(step, index, editing=editing)
