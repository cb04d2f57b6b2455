"""The header of every screen: the portal's title and the visitor's own controls.

The controls (language, high contrast, large text, speech) are buttons for a finger or a
mouse, and the keys F2, F3, F4 and F5 do the same from anywhere. Where the title and the
controls do not fit on one row (an 80-column terminal), the controls go on a row of their own
below the title.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.scalar import Unit
from textual.widgets import Button, Static

from kiosk.i18n import _, current_language
from kiosk.i18n.language_names import language_name

HEADER_GUTTER = 4
"""The header's padding left and right (app.tcss, ``.portal-header``)."""
PREFERENCE_CELLS = 5
"""What a control takes besides its label, with the styles below: the label's own pad in a
compact Button (2), the padding (2) and the margin (1). Large text gives them more."""


class KioskHeader(Horizontal):
    """Title on the left, the visitor's controls on the right."""

    DEFAULT_CSS = """
    KioskHeader {
        dock: top;
        height: 3;
        padding: 1 1 1 2;
        background: $primary;
        color: $header-ink;
    }
    KioskHeader .portal-title {
        width: 1fr;
        height: 1;
        color: $header-ink;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    KioskHeader .preference {
        width: auto;
        min-width: 0;
        height: 1;
        margin: 0 0 0 1;
        padding: 0 1;
        background: $header-ink;
        color: $primary;
        text-style: bold;
    }
    KioskHeader #preferences {
        width: auto;
        height: 1;
    }
    KioskHeader.-stacked {
        layout: vertical;
    }
    KioskHeader.-stacked .portal-title, KioskHeader.-stacked #preferences {
        width: 100%;
    }
    KioskHeader .preference:hover {
        text-style: bold underline;
    }
    KioskHeader .preference:focus {
        text-style: bold reverse;
    }
    KioskHeader .preference.-on {
        text-style: bold underline;
    }
    """

    def __init__(self, title: str) -> None:
        super().__init__(classes="portal-header")
        self.title_text = title
        language = language_name(current_language())
        self.labels = {
            # TRANSLATORS: the button that opens the language list; F2 is the key that does too.
            "language-button": _("{language} · F2").format(language=language),
            "contrast-button": _("Contrast · F3"),
            "large-text-button": _("Large text · F4"),
            # TRANSLATORS: the button that turns speech output on and off; F5 does too.
            "speech-button": _("Speech · F5"),
        }
        # Stacked or not from the first styling on: a class changed once the header is mounted
        # restyles all of it (a few milliseconds of Welcome's start). on_mount measures again.
        controls = sum(PREFERENCE_CELLS + cell_len(label) for label in self.labels.values())
        self.set_class(self._title_overflows(controls), "-stacked")

    def compose(self) -> ComposeResult:
        app = self.app
        yield Static(self.title_text, classes="portal-title", markup=False)
        switched_on = {
            "contrast-button": getattr(app, "high_contrast", False),
            "large-text-button": getattr(app, "large_text", False),
            "speech-button": getattr(app, "speech_on", False),
        }
        with Horizontal(id="preferences"):
            for button_id, label in self.labels.items():
                button = Button(label, id=button_id, classes="preference", compact=True)
                button.set_class(bool(switched_on.get(button_id, False)), "-on")
                yield button

    def on_mount(self) -> None:
        self.fit_title()

    def on_resize(self) -> None:
        self.fit_title()

    def fit_title(self) -> None:
        """Put the controls below the title where both do not fit on one row (the header keeps
        its height: the title takes its top padding's place)."""
        controls = sum(_width(b) for b in self.query(".preference").results(Button))
        self.set_class(self._title_overflows(controls), "-stacked")

    def _title_overflows(self, controls: int) -> bool:
        """Whether the title needs more than the row leaves beside *controls* cells of buttons."""
        return cell_len(self.title_text) > self.app.size.width - HEADER_GUTTER - controls

    @on(Button.Pressed, "#language-button")
    async def _language(self, event: Button.Pressed) -> None:
        event.stop()
        await self.run_action("app.choose_language")

    @on(Button.Pressed, "#contrast-button")
    async def _contrast(self, event: Button.Pressed) -> None:
        event.stop()
        await self.run_action("app.toggle_high_contrast")

    @on(Button.Pressed, "#speech-button")
    async def _speech(self, event: Button.Pressed) -> None:
        event.stop()
        await self.run_action("app.toggle_speech")

    @on(Button.Pressed, "#large-text-button")
    async def _large_text(self, event: Button.Pressed) -> None:
        event.stop()
        await self.run_action("app.toggle_large_text")


def _width(button: Button) -> int:
    """The cells *button* takes in the header: label, padding, margin, least width."""
    styles = button.styles
    cells = cell_len(str(button.label)) + 2 + styles.padding.width  # a Button pads its label
    least = styles.min_width
    if least is not None and least.unit == Unit.CELLS:
        cells = max(cells, int(least.value))
    return cells + styles.margin.width
