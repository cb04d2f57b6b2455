"""The language list: every language named in itself, over whatever screen is up (F2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import _, current_language
from kiosk.i18n.language_names import language_name

if TYPE_CHECKING:
    from screens.base import KioskHost


def language_buttons(languages: list[str], prefix: str) -> list[Button]:
    """A button per language, named in that language; the current one marked."""
    buttons = []
    for language in languages:
        button = Button(
            language_name(language),
            id=f"{prefix}{language}",
            classes="language-choice",
            variant="primary" if language == current_language() else "default",
        )
        button.language = language  # type: ignore[attr-defined]
        buttons.append(button)
    return buttons


class LanguageScreen(ModalScreen[str | None]):
    """Choose a language; Escape (or F2 again) keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        # A list from top to bottom: the arrow keys move through it as Tab does.
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]
    DEFAULT_CSS = """
    LanguageScreen {
        align: center middle;
        background: $background 70%;
    }
    #language-dialog {
        width: 44;
        height: auto;
        padding: 1 2;
        background: $surface;
        border: thick $brand-text;
    }
    #language-dialog .language-choice {
        width: 100%;
        margin: 1 0 0 0;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="language-dialog"):
            # TRANSLATORS: heading of the language list; shown in the current language.
            yield Static(_("Choose your language"), classes="step-title")
            yield from language_buttons(cast("KioskHost", self.app).languages(), "choose-")
            yield Button(_("Close"), id="language-close")

    def on_mount(self) -> None:
        current = self.query(f"#choose-{current_language()}")
        (current.first() if current else self.query_one(Button)).focus()

    @on(Button.Pressed, ".language-choice")
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(getattr(event.button, "language", None))

    @on(Button.Pressed, "#language-close")
    def action_close(self) -> None:
        self.dismiss(None)
