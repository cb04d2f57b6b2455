"""Which screen shows which step of a visit."""

from __future__ import annotations

from kiosk.flow.plan import Step
from kiosk.visits.pickup import PICKUP_STEP_KINDS
from screens.base import VisitScreen


def screen_for_step(step: Step, index: int, *, editing: bool = False) -> VisitScreen:
    """A new screen for *step*, the *index*-th of the visit."""
    if step.kind in PICKUP_STEP_KINDS:
        from screens.pickup_steps import pickup_screen_for_step

        return pickup_screen_for_step(step, index, editing=editing)
    if step.kind == "name":
        from screens.name_entry import NameScreen

        return NameScreen(index, editing=editing)
    if step.kind == "consent":
        from screens.consent import ConsentScreen

        return ConsentScreen(index, step.index, editing=editing)
    if step.kind == "page":
        from screens.questionnaire_page import QuestionnairePageScreen

        return QuestionnairePageScreen(index, step.index, step.page, editing=editing)
    if step.kind == "review":
        from screens.review import ReviewScreen

        return ReviewScreen(index)
    raise ValueError(f"unknown step kind {step.kind!r}")
