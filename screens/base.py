"""What every screen of a visit shares: the portal's header, key hints, and Escape for back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import _, current_language
from screens.preferences import KioskHeader

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.flow.session import Visit


class KioskScreen(Screen[None]):
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
    def kiosk(self) -> KioskApp:
        from kiosk.app import KioskApp

        assert isinstance(self.app, KioskApp)
        return self.app

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
    """A screen inside an applicant visit; Escape goes one step back."""

    def __init__(self, step_index: int, *, editing: bool = False) -> None:
        super().__init__()
        self.step_index = step_index
        self.editing = editing

    @property
    def visit(self) -> Visit:
        visit = self.kiosk.visit
        assert visit is not None, "a visit screen outlived its visit"
        return visit

    def action_back(self) -> None:
        if self.step_index == 0 and not self.editing:
            self.kiosk.end_visit()
        elif self.editing:
            self.app.pop_screen()  # back to the review
        else:
            self.kiosk.go_back(self.step_index)

    def go_next(self) -> None:
        """Continue: to the next step, or back to the review after a change."""
        if self.editing:
            self.kiosk.finish_edit()
        else:
            self.kiosk.advance(self.step_index)
