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

Each is a dataclass (Textual allows it), compared as itself. None has a generated ``repr``
(Message's own names the class only): a message can carry a visit, and a visit's data must
not reach a log through one. A class that adds no field is not decorated again: it inherits
its parent's ``__init__``, and every generated method costs start-up time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(eq=False, repr=False)
class ScreenAction(Message):
    """The visitor did something on *screen*."""

    screen: Screen[Any]


@dataclass(eq=False, repr=False)
class VisitNews(Message):
    """A service answered for *visit*."""

    visit: Visit


# -- moving through the steps of a visit ------------------------------------------------------


@dataclass(eq=False, repr=False)
class StepAction(ScreenAction):
    """An action on the screen of a step: its *step_index*, and whether it is *editing* (opened
    from the review)."""

    step_index: int = field(init=False)
    editing: bool = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        screen = cast("VisitScreen", self.screen)
        self.step_index = screen.step_index
        self.editing = screen.editing


class StepDone(StepAction):
    """The step is done: on to the next one, or back to the review after a change."""


class StepBack(StepAction):
    """Back from the step: to the one before, to the review, or (from the first) out."""


@dataclass(eq=False, repr=False)
class EditStep(ScreenAction):
    """From a review: open step *step_index* to change it."""

    step_index: int


class EndVisit(ScreenAction):
    """Leave the visit for Welcome (Back on the code entry or the sign-in)."""


@dataclass(eq=False, repr=False)
class Farewell(VisitNews):
    """End the visit early with a polite *message* (a consent declined, a code not theirs)."""

    message: str


# -- Welcome and the screens after a visit ----------------------------------------------------


@dataclass(eq=False, repr=False)
class StartVisit(ScreenAction):
    """Welcome: begin a visit of *kind*."""

    kind: VisitKind


@dataclass(eq=False, repr=False)
class ChooseLanguage(ScreenAction):
    """Welcome: the visitor's *language*."""

    language: str


@dataclass(eq=False, repr=False)
class ChoosePortal(ScreenAction):
    """Welcome: the portal *portal_name*."""

    portal_name: str


class Closed(ScreenAction):
    """A screen after a visit (confirmation, goodbye) is done: Welcome again, as it was."""


# -- what the services answered ---------------------------------------------------------------


@dataclass(eq=False, repr=False)
class CodeVerified(VisitNews):
    """The backend took the pickup *code*: the visit's steps can be laid out."""

    code: str
    verification: Verified


@dataclass(eq=False, repr=False)
class VisitorSignedIn(VisitNews):
    """A returning visitor signed in (a sign-in whose visit ended meanwhile is ended too)."""

    signed_in: SignedIn


@dataclass(eq=False, repr=False)
class ApplicantSubmitted(VisitNews):
    """The applicant's answers are stored (*reference*: the backend's number, if it answered)."""

    reference: str | None


@dataclass(eq=False, repr=False)
class CodeRedeemed(VisitNews):
    """The pickup code was redeemed: the login is made."""

    redemption: Redeemed


@dataclass(eq=False, repr=False)
class ReturningFiled(VisitNews):
    """The returning visit was filed (*still_due*: what the backend says is left, if known)."""

    still_due: PickupStatus | None


# -- staff ------------------------------------------------------------------------------------


class StaffEndsVisit(ScreenAction):
    """Staff: wipe the visit, whatever screen it is on; a fresh Welcome."""


@dataclass(eq=False, repr=False)
class SwitchPortal(ScreenAction):
    """Staff: run portal *portal_name* from now on (the visit is wiped)."""

    portal_name: str


class QuitKiosk(ScreenAction):
    """Staff: end the visit and quit."""
