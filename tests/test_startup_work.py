"""What the kiosk spares itself while it starts: work Textual would do twice or for nothing.

Each test drives the real app headless and counts what Textual did (restyles, Resize events)
through the app's own public hooks; the screens must still look and behave as before (the
snapshot tests check the look).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.geometry import Size
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.config import load_config
from screens.welcome import WelcomeScreen
from tests.visit_helpers import wait_for_screen, wait_until


@pytest.fixture
def app(demo_config_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> KioskApp:
    monkeypatch.setattr(KioskApp, "BACKEND_START_DELAY", 3600)  # the backend plays no part here
    return KioskApp(load_config(demo_config_path), database_url=database_url)


def count_resizes(screen: WelcomeScreen) -> list[Size]:
    """The sizes of the Resize events that reach *screen* from now on."""
    seen: list[Size] = []
    post = screen.post_message

    def counting(message: Any) -> bool:
        if isinstance(message, events.Resize) and message.control is None:
            seen.append(message.size)
        return post(message)

    screen.post_message = counting  # type: ignore[method-assign]
    return seen


async def test_a_resize_to_the_same_size_does_not_lay_welcome_out_again(app: KioskApp) -> None:
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        resizes = count_resizes(app.screen)  # type: ignore[arg-type]
        # what a terminal's driver reports at start, after the app has taken its size
        app.post_message(events.Resize(Size(100, 36), Size(100, 36)))
        await pilot.pause()
        await pilot.pause()
        assert resizes == []
        assert app.has_class("-tall")

        await pilot.resize_terminal(80, 24)  # a real change still reaches the screen
        await wait_until(pilot, lambda: Size(80, 24) in resizes)
        assert app.has_class("-short")
        assert not app.has_class("-tall")
        await pilot.resize_terminal(100, 36)  # and so does the way back
        await wait_until(pilot, lambda: Size(100, 36) in resizes)
        assert app.has_class("-tall")


async def test_a_widget_is_styled_once_when_mounted_not_while_it_is_built(
    app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    styled: list[object] = []
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: Any, **kwargs: Any) -> None:
        styled.append(node)
        apply(self, node, **kwargs)

    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        monkeypatch.setattr(Stylesheet, "apply", counting)
        # a primary button: Textual sets classes on it (its variant and look) as it is built
        button = Button("Extra", variant="primary", id="extra")
        assert styled == []
        await app.screen.mount(button)
        await pilot.pause()
        assert styled.count(button) == 1
        assert button.has_class("-primary")
        assert button.has_class("-style-default")
        # styled by the classes set before it was mounted: as Welcome's own primary button
        first = app.screen.query_one("#start-applicant", Button)
        assert (button.styles.color, button.styles.background) == (
            first.styles.color,
            first.styles.background,
        )
        assert button.styles.background != app.screen.query_one("#start-code").styles.background

        styled.clear()
        button.variant = "default"  # a mounted widget is still restyled when a class changes
        assert button in styled
        assert not button.has_class("-primary")


@pytest.mark.parametrize(("size", "stacked"), [((100, 36), True), ((160, 40), False)])
async def test_the_header_is_stacked_or_not_before_it_is_first_styled(
    app: KioskApp, size: tuple[int, int], stacked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its estimate of the controls' width is what they take once styled, so that mounting
    restyles none of it (a class set on a mounted header restyles all of it)."""
    from screens.preferences import PREFERENCE_CELLS, KioskHeader, _width

    restyled: list[object] = []
    update_styles = KioskApp.update_styles

    def counting(self: KioskApp, node: Any, animate: bool = True) -> None:
        if isinstance(node, KioskHeader) and node.is_attached:
            restyled.append(node)
        update_styles(self, node, animate)

    monkeypatch.setattr(KioskApp, "update_styles", counting)
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        header = app.screen.query_one(KioskHeader)
        assert header.has_class("-stacked") is stacked
        assert restyled == []
        for button in header.query(".preference").results(Button):
            assert _width(button) == PREFERENCE_CELLS + cell_len(str(button.label))
        await pilot.resize_terminal(200, 40)  # measured again when the terminal changes
        await wait_until(pilot, lambda: not header.has_class("-stacked"))


async def test_the_blank_screen_under_welcome_is_styled_once_with_the_size_class_in_place(
    app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's bottom screen was restyled with its widgets for the app's size class and again
    as it was first shown, though Welcome covers it before anything is drawn."""
    restyled: list[object] = []
    update_nodes = Stylesheet.update_nodes

    def recording(self: Stylesheet, nodes: Any, animate: bool = False) -> None:
        nodes = list(nodes)
        restyled.extend(nodes)
        update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        bottom = app.screen_stack[0]
        assert bottom.id == "_default"
        assert app.has_class("-short")
        assert not app.has_class("-tall")
        assert not {bottom, *bottom.walk_children()} & set(restyled)
