"""What the screens tell the app: the visitor's actions and the services' answers, as Messages.

A screen never moves the visit on itself: it posts one of these, which bubbles up to the app
(:class:`kiosk.app.KioskApp`), and the app, with the visit controllers in ``kiosk.visits``,
decides what comes next. Two kinds:

* :class:`ScreenAction`: the visitor did something on a screen (Next, Back, Change, Done …).
  It is carried out only while that screen is still the one in front (a modal prompt may
  cover it), so a key pressed twice, or a key and a timer together, act once.
* :class:`VisitNews`: a service answered for a visit (a code verified, a visit filed …). It
  is carried out only while that visit is still the app's: one wiped meanwhile (idle, staff)
  is not brought back.

Each sets its fields in its own ``__init__``, as Textual's messages do (a dataclass would make
the same at every start, through ``exec``, for some 0.15 ms a class), and is compared as
itself. None has a ``repr`` of its own (Message's names the class only): a message can carry a
visit, and a visit's data must not reach a log through one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from kiosk.contract.wire.pickup import PickupStatus, Redeemed, Verified
    from kiosk.contract.wire.returning import SignedIn
    from kiosk.flow.session import Visit
    from screens.base import VisitScreen


class VisitKind(StrEnum):
    """The three ways into a visit, from Welcome."""

    APPLICANT = "applicant"
    PICKUP = "pickup"
    RETURNING = "returning"


class ScreenAction(Message):
    """The visitor did something on *screen*."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen = screen


class VisitNews(Message):
    """A service answered for *visit*."""

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit


# -- moving through the steps of a visit ------------------------------------------------------


class StepAction(ScreenAction):
    """An action on the screen of a step: its *step_index*, and whether it is *editing* (opened
    from the review)."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__(screen)
        step = cast("VisitScreen", screen)
        self.step_index: int = step.step_index
        self.editing: bool = step.editing


class StepDone(StepAction):
    """The step is done: on to the next one, or back to the review after a change."""


class StepBack(StepAction):
    """Back from the step: to the one before, to the review, or (from the first) out."""


class EditStep(ScreenAction):
    """From a review: open step *step_index* to change it."""

    def __init__(self, screen: Screen[Any], step_index: int) -> None:
        super().__init__(screen)
        self.step_index = step_index


class EndVisit(ScreenAction):
    """Leave the visit for Welcome (Back on the code entry or the sign-in)."""


class Farewell(VisitNews):
    """End the visit early with a polite *message* (a consent declined, a code not theirs)."""

    def __init__(self, visit: Visit, message: str) -> None:
        super().__init__(visit)
        self.message = message


# -- Welcome and the screens after a visit ----------------------------------------------------


class StartVisit(ScreenAction):
    """Welcome: begin a visit of *kind*."""

    def __init__(self, screen: Screen[Any], kind: VisitKind) -> None:
        super().__init__(screen)
        self.kind = kind


class ChooseLanguage(ScreenAction):
    """Welcome: the visitor's *language*."""

    def __init__(self, screen: Screen[Any], language: str) -> None:
        super().__init__(screen)
        self.language = language


class ChoosePortal(ScreenAction):
    """Welcome: the portal *portal_name*."""

    def __init__(self, screen: Screen[Any], portal_name: str) -> None:
        super().__init__(screen)
        self.portal_name = portal_name


class Closed(ScreenAction):
    """A screen after a visit (confirmation, goodbye) is done: Welcome again, as it was."""


# -- what the services answered ---------------------------------------------------------------


class CodeVerified(VisitNews):
    """The backend took the pickup *code*: the visit's steps can be laid out."""

    def __init__(self, visit: Visit, code: str, verification: Verified) -> None:
        super().__init__(visit)
        self.code = code
        self.verification = verification


class VisitorSignedIn(VisitNews):
    """A returning visitor signed in (a sign-in whose visit ended meanwhile is ended too)."""

    def __init__(self, visit: Visit, signed_in: SignedIn) -> None:
        super().__init__(visit)
        self.signed_in = signed_in


class ApplicantSubmitted(VisitNews):
    """The applicant's answers are stored (*reference*: the backend's number, if it answered)."""

    def __init__(self, visit: Visit, reference: str | None) -> None:
        super().__init__(visit)
        self.reference = reference


class CodeRedeemed(VisitNews):
    """The pickup code was redeemed: the login is made."""

    def __init__(self, visit: Visit, redemption: Redeemed) -> None:
        super().__init__(visit)
        self.redemption = redemption


class ReturningFiled(VisitNews):
    """The returning visit was filed (*still_due*: what the backend says is left, if known)."""

    def __init__(self, visit: Visit, still_due: PickupStatus | None) -> None:
        super().__init__(visit)
        self.still_due = still_due


# -- staff ------------------------------------------------------------------------------------


class StaffEndsVisit(ScreenAction):
    """Staff: wipe the visit, whatever screen it is on; a fresh Welcome."""


class SwitchPortal(ScreenAction):
    """Staff: run portal *portal_name* from now on (the visit is wiped)."""

    def __init__(self, screen: Screen[Any], portal_name: str) -> None:
        super().__init__(screen)
        self.portal_name = portal_name


class QuitKiosk(ScreenAction):
    """Staff: end the visit and quit."""
