"""A visit screen on its own: pushed in a small App of the test's (not the kiosk's), it shows
the visit it is given and tells what the visitor does as a Message (screens/messages.py);
nothing moves on unless the app does it. Also: every step kind has its screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import on
from textual.app import App
from textual.widgets import Input, Static

from kiosk.config import KioskConfig
from kiosk.flow.pickup_session import PickupVisit
from kiosk.flow.plan import Step, StepKind
from kiosk.flow.session import Visit
from screens import messages
from screens.base import KioskScreen, VisitScreen
from screens.name_entry import NameScreen
from screens.pickup_code import PickupCodeScreen
from screens.steps import SCREEN_FOR_KIND, screen_class
from tests.mini_portal import mini_portal, questionnaire


class ScreenHost(App[None]):
    """What a screen reads from its app (screens.base.KioskHost), and a list of what it posts."""

    def __init__(self, config: KioskConfig, visit: Visit, screen: KioskScreen) -> None:
        super().__init__()
        self.config = config
        self.portal = config.portals[0]
        self.language = "en"
        self.visit: Visit | None = visit
        self.steps: tuple[Step, ...] = ()
        self.preferences_version = 0
        self.posted: list[messages.ScreenAction | messages.VisitNews] = []
        self._first = screen

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {"header-ink": "#FFFFFF", "brand-text": "#1F6FB2", "focus-ring": "#1F6FB2"}

    def on_mount(self) -> None:
        self.push_screen(self._first)

    @on(messages.ScreenAction)
    @on(messages.VisitNews)
    def _posted(self, message: messages.ScreenAction | messages.VisitNews) -> None:
        self.posted.append(message)


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return mini_portal(tmp_path, questionnaire({"linkId": "q", "type": "string", "text": "Q"}))


async def test_the_name_step_posts_step_done_with_the_names_kept(config: KioskConfig) -> None:
    visit = Visit(portal=config.portals[0], questionnaires=(), language="en")
    screen = NameScreen(0)
    app = ScreenHost(config, visit, screen)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        assert app.screen is screen
        await pilot.press(*"Ada", "enter", "enter")  # the last name is missing
        await pilot.pause()
        assert app.posted == []
        assert (
            str(screen.query_one("#last-name-error", Static).content) == "Please enter this name."
        )
        await pilot.press(*"Lovelace", "enter")
        await pilot.pause()
        assert app.screen is screen  # the screen does not move on by itself
        (done,) = app.posted
        assert isinstance(done, messages.StepDone)
        assert (done.screen, done.step_index, done.editing) == (screen, 0, False)
        assert (visit.first_name, visit.last_name) == ("Ada", "Lovelace")


async def test_escape_on_a_step_being_changed_posts_step_back(config: KioskConfig) -> None:
    visit = Visit(portal=config.portals[0], questionnaires=(), language="en")
    screen = NameScreen(3, editing=True)
    app = ScreenHost(config, visit, screen)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        (back,) = app.posted
        assert isinstance(back, messages.StepBack)
        assert (back.step_index, back.editing) == (3, True)


async def test_the_code_entry_says_a_mistyped_code_and_posts_only_back(
    config: KioskConfig,
) -> None:
    visit = PickupVisit(portal=config.portals[0], questionnaires=(), language="en")
    screen = PickupCodeScreen()
    app = ScreenHost(config, visit, screen)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"7K3M-Q9XD", "enter")  # too short: said here, no backend asked
        await pilot.pause()
        assert app.posted == []
        assert "12 letters and digits" in str(
            screen.query_one("#pickup-code-error", Static).content
        )
        assert not screen.query_one("#pickup-code", Input).disabled
        await pilot.click("#back")
        await pilot.pause()
        (back,) = app.posted
        assert isinstance(back, messages.EndVisit)
        assert back.screen is screen


@pytest.mark.parametrize("kind", list(StepKind))
def test_every_step_kind_has_a_visit_screen(kind: StepKind) -> None:
    screen = screen_class(kind)
    assert issubclass(screen, VisitScreen)
    assert f"{screen.__module__}.{screen.__name__}" == SCREEN_FOR_KIND[kind]
