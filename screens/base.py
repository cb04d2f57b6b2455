"""What every screen of a visit shares: the portal's header, key hints, and Escape for back.

A screen reads what it shows from the app (:class:`KioskHost`: the portal, the visit and its
steps) and posts what the visitor does as a Message (:mod:`screens.messages`); it never calls
into the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol, Self, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import ScreenResume
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import _, current_language
from screens.messages import StepBack, StepDone
from screens.preferences import KioskHeader

if TYPE_CHECKING:
    from kiosk.backend.services import KioskServices
    from kiosk.config import KioskConfig, PortalConfig
    from kiosk.flow.plan import Step
    from kiosk.flow.session import Visit
    from kiosk.terminal.staff_pin import PinGuard

V = TypeVar("V", bound="Visit")


class KioskHost(Protocol):
    """What a screen may read from the app that shows it (:class:`kiosk.app.KioskApp`; in a
    screen's own test, a small App with these)."""

    config: KioskConfig
    portal: PortalConfig
    portal_choice: bool
    language: str
    visit: Visit | None
    steps: tuple[Step, ...]
    preferences_version: int
    services: KioskServices

    @property
    def staff_guard(self) -> PinGuard: ...

    def languages(self) -> list[str]: ...

    def hint_languages(self) -> list[str]: ...


class StyledWhenMounted(Screen[None]):
    """A screen whose first show does not style it again; also the app's bottom screen."""

    _shown = False

    def post_message(self, message: Message) -> bool:
        """As Textual's, except that the first ScreenResume (the screen's first show) does not
        restyle the screen: its widgets were styled as they were mounted, with the same CSS and
        classes, and restyling all of them again doubled the styling work of showing a screen.
        Every later show (coming back from below another screen) restyles as Textual does."""
        if isinstance(message, ScreenResume) and not self._shown:
            self._shown = True
            message = ScreenResume(refresh_styles=False)
        return super().post_message(message)


class KioskScreen(StyledWhenMounted):
    """A full screen with the portal's title on top and the keys at the foot."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="back"),
    ]
    AUTO_FOCUS: ClassVar[str | None] = None  # each screen focuses its own first field on mount
    rebuilds_inputs_itself = False
    """Whether compose() puts back what was typed (so a rebuild need not copy the inputs)."""

    drawn_version = -1
    """The app's preferences version this screen was last composed with."""

    @property
    def kiosk(self) -> KioskHost:
        return cast("KioskHost", self.app)

    def compose_header(self) -> ComposeResult:
        self.drawn_version = self.kiosk.preferences_version
        yield KioskHeader(self.kiosk.portal.title_in(current_language()))
        yield Static(
            _("Tab: next field   Shift+Tab: previous   Enter: press   Esc: back"),
            classes="key-hints",
        )

    async def refresh_preferences(self) -> None:
        """Rebuild this screen in the visitor's new language or text size, keeping their input.

        Only the screen on top is rebuilt: one that another screen covers (even one pushed
        since the change) catches up when it is shown again (ScreenResume)."""
        if self.drawn_version == self.kiosk.preferences_version or self.app.screen is not self:
            return
        from screens.form_state import capture, restore  # TextArea's module: not before Welcome

        state = capture(self, values=not self.rebuilds_inputs_itself)
        self.before_recompose()
        await self.recompose()
        self.drawn_version = self.kiosk.preferences_version
        restore(self, state)
        if self.focused is None:  # the focused widget was rebuilt while another screen was on top
            self.focus_default()
        self.after_recompose()

    def focus_default(self) -> None:
        """Hook: give the keyboard to where this screen starts (when nothing has it)."""

    def before_recompose(self) -> None:
        """Hook: keep whatever is not in an input before the screen is rebuilt."""

    def after_recompose(self) -> None:
        """Hook: after the screen was rebuilt in the new language."""

    @on(ScreenResume)
    async def _catch_up_on_preferences(self) -> None:
        await self.refresh_preferences()

    def action_back(self) -> None:
        """Escape: one step back; never out of the kiosk."""


class VisitScreen(KioskScreen):
    """The screen of one step of a visit (the *step_index*-th); Escape goes one step back.

    *editing*: opened from the review to change the step, and back to the review when done."""

    def __init__(self, step_index: int, *, editing: bool = False) -> None:
        super().__init__()
        self.step_index = step_index
        self.editing = editing

    @classmethod
    def for_step(cls, step: Step, step_index: int, *, editing: bool = False) -> Self:
        """The screen of *step* (``screens/steps.py``); a screen that shows one consent or
        page of many reads which from *step*."""
        return cls(step_index, editing=editing)

    @property
    def visit(self) -> Visit:
        visit = self.kiosk.visit
        assert visit is not None, "a visit screen outlived its visit"
        return visit

    def visit_as(self, kind: type[V]) -> V:
        """The visit, which this screen only shows in a visit of *kind* (a pickup's …)."""
        visit = self.visit
        assert isinstance(visit, kind)
        return visit

    def action_back(self) -> None:
        self.post_message(StepBack(self))

    def go_next(self) -> None:
        """Continue: to the next step, or back to the review after a change."""
        self.post_message(StepDone(self))
