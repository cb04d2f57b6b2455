"""Which screen shows which step of a pickup or returning visit (the shared steps are in
``steps``)."""

from __future__ import annotations

from kiosk.flow.plan import Step
from screens.base import VisitScreen


def pickup_screen_for_step(step: Step, index: int, *, editing: bool = False) -> VisitScreen:
    """A new screen for the pickup-only *step*, the *index*-th of the visit."""
    if step.kind == "identity":
        from screens.pickup_identity import IdentityScreen

        return IdentityScreen(index, editing=editing)
    if step.kind == "login":
        from screens.pickup_login import LoginScreen

        return LoginScreen(index, editing=editing)
    if step.kind == "pickup-review":
        from screens.pickup_review import PickupReviewScreen

        return PickupReviewScreen(index)
    if step.kind == "returning-review":
        from screens.returning_review import ReturningReviewScreen

        return ReturningReviewScreen(index)
    raise ValueError(f"unknown pickup step kind {step.kind!r}")
