"""The end of a returning visitor's visit: what was done today, or that nothing was due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import _
from screens.closing import ClosingScreen, done_list


class ReturningDoneScreen(ClosingScreen):
    """``#returning-done-title``, the list of what was done (``#done-list``), and ``#done``."""

    CSS_PATH = ["closing.tcss", "pickup_done.tcss"]  # noqa: RUF012

    def __init__(self, *, done: list[str], later: list[str], seconds: int) -> None:
        super().__init__(seconds)
        self.done = done
        self.later = later

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Center(), Vertical(id="closing-box"), Vertical(id="done-text"):
            if self.done:
                title = _("Thank you. This is what was done today:")
            elif self.later:
                title = _("Nothing is due for you at this terminal today.")
            else:
                title = _("Nothing is due for you today. Thank you for checking.")
            yield Static(title, id="returning-done-title", classes="step-title")
            yield from done_list(self.done, self.later)
            yield Button(_("Done"), id="done", variant="primary")
