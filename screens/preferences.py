"""The header of every screen: the portal's title and the visitor's own controls.

The controls (language, high contrast, large text) are buttons for a finger or a mouse, and
the keys F2, F3 and F4 do the same from anywhere. On a narrow terminal they give up their keys
("English" for "English · F2") where that keeps the whole title in view.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.scalar import Unit
from textual.widgets import Button, Static

from kiosk.i18n import _, current_language
from kiosk.language_names import language_name

NARROW = 100
"""Below this many columns the controls may give up their keys for the title."""
PADDING = 1
"""Cells each side of a control's label (none in a ``-tight`` header)."""
HEADER_GUTTER = 4
"""The header's padding left and right (app.tcss, ``.portal-header``)."""


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
    KioskHeader.-tight .preference {
        padding: 0;
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

    def compose(self) -> ComposeResult:
        app = self.app
        yield Static(self.title_text, classes="portal-title", markup=False)
        full, _short = self.labels()
        yield Button(full[0], id="language-button", classes="preference", compact=True)
        contrast = Button(full[1], id="contrast-button", classes="preference", compact=True)
        contrast.set_class(bool(getattr(app, "high_contrast", False)), "-on")
        yield contrast
        large = Button(full[2], id="large-text-button", classes="preference", compact=True)
        large.set_class(bool(getattr(app, "large_text", False)), "-on")
        yield large

    @staticmethod
    def labels() -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        """The controls' labels with their keys, and without them (for a narrow terminal)."""
        language = language_name(current_language())
        full = (
            # TRANSLATORS: the button that opens the language list; F2 is the key that does too.
            _("{language} · F2").format(language=language),
            _("Contrast · F3"),
            _("Large text · F4"),
        )
        # TRANSLATORS: the high-contrast and large-text buttons on a narrow screen, without
        # their keys (F3, F4).
        short = (language, _("Contrast"), _("Large text"))
        return full, short

    def on_mount(self) -> None:
        self.fit_labels()

    def on_resize(self) -> None:
        self.fit_labels()

    def fit_labels(self) -> None:
        """On a narrow terminal, keep the whole title in view where that can be done: the
        controls lose their keys, then their padding (``-tight``). Where neither is enough, or
        the terminal is wide, they keep their keys."""
        buttons = list(self.query(".preference").results(Button))
        full, short = self.labels()
        width = self.app.size.width
        room = width - HEADER_GUTTER - cell_len(self.title_text)

        def fits(labels: tuple[str, ...], padding: int) -> bool:
            cells = sum(_width(b, label, padding) for b, label in zip(buttons, labels, strict=True))
            return cells <= room

        chosen, tight = full, False
        if width < NARROW and not fits(full, PADDING):
            if fits(short, PADDING):
                chosen = short
            elif fits(short, 0):
                chosen, tight = short, True
        self.set_class(tight, "-tight")
        for button, label in zip(buttons, chosen, strict=True):
            if str(button.label) != label:
                button.label = label

    @on(Button.Pressed, "#language-button")
    def _language(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.action_choose_language()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#contrast-button")
    def _contrast(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.action_toggle_high_contrast()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#large-text-button")
    def _large_text(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.action_toggle_large_text()  # type: ignore[attr-defined]


def _width(button: Button, label: str, padding: int) -> int:
    """The cells *button* takes in the header with *label* and *padding* cells each side
    (its least width and its margin included)."""
    styles = button.styles
    cells = cell_len(label) + 2 + 2 * padding  # a Button pads its label by one cell itself
    least = styles.min_width
    if least is not None and least.unit == Unit.CELLS:
        cells = max(cells, int(least.value))
    return cells + styles.margin.width
