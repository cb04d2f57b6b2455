"""The reference for the benchmarks: a plain Textual app with three widgets.

Started exactly like ``kiosk smoke``: headless, timed from the start of ``main`` until its
first screen has rendered and a Tab has moved the focus; prints ``ready in N ms``.
With ``--visit`` it also types into its input, the plain app's share of a visit.
"""

from __future__ import annotations

import sys
import time

TITLE = "Plain Textual app"


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    from textual.app import App, ComposeResult
    from textual.pilot import Pilot
    from textual.widgets import Button, Input, Static

    from kiosk.tools.smoke import READY_PREFIX, time_to_ready

    class PlainApp(App[None]):
        """A title, a text field and a button."""

        def compose(self) -> ComposeResult:
            yield Static(TITLE, id="title")
            yield Input(placeholder="Your name", id="name")
            yield Button("Start", id="start", variant="primary")

        def on_mount(self) -> None:
            self.query_one("#name", Input).focus()

    def rendered(app: App[object]) -> bool:
        from kiosk.tools.smoke import shows

        titles = app.screen.query("#title")
        return bool(titles) and app.focused is not None and shows(app, titles.first(), TITLE)

    visit = "--visit" in (argv or [])
    app = PlainApp()
    time_to_ready(
        app,
        rendered,
        started=started,
        on_ready=lambda ms: print(f"{READY_PREFIX}{ms:.0f} ms", flush=True),
    )
    if visit:  # its whole "visit": a name typed and its button pressed
        app = PlainApp()

        async def type_a_name(pilot: Pilot[None]) -> None:
            await pilot.press(*"Dana Kowalczyk-Ng", "tab", "enter")
            await pilot.pause()
            pilot.app.exit()

        app.run(headless=True, size=(100, 36), auto_pilot=type_a_name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
