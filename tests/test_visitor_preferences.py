"""Language, contrast, text size and portal, as a visitor changes them on Welcome and with keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config, read_config_file
from kiosk.i18n import current_language
from kiosk.terminal.branding import HIGH_CONTRAST_THEME
from kiosk.tools.drive import screen_text
from screens.language import LanguageScreen
from screens.ticker import Ticker
from screens.welcome import WelcomeScreen
from tests.visit_helpers import tap, wait_for_screen

SIZE = (100, 40)


def shipped(demo_config_path: Path) -> KioskConfig:
    # Read without loading the questionnaires: Welcome needs none of them.
    return read_config_file(demo_config_path)


async def test_welcome_lists_every_language_in_its_own_name(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        labels = [str(b.label) for b in app.screen.query("#language Button").results(Button)]
        assert labels == [
            "English",
            "Español",
            "Français",
            "Português (Brasil)",
            "Tiếng Việt",
            "中文 (简体)",
        ]


async def test_choosing_a_language_on_welcome_applies_at_once(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.click("#lang-es")
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert current_language() == "es"
        assert "Solicito un empleo" in text
        assert "Bienvenido al portal de solicitantes de Northwind Logistics" in text
        assert "Español · F2" in text
        assert "Tab: campo siguiente" in text
        assert app.screen.query_one("#lang-es", Button).variant == "primary"


async def test_f2_opens_the_language_list_and_the_keyboard_chooses(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f2")
        await wait_for_screen(pilot, LanguageScreen)
        assert app.focused is not None
        assert app.focused.id == "choose-en"
        await pilot.press("escape")  # closes and keeps English
        await wait_for_screen(pilot, WelcomeScreen)
        assert current_language() == "en"
        await pilot.press("f2")
        await wait_for_screen(pilot, LanguageScreen)
        await pilot.press("tab", "tab", "enter")  # English -> Español -> Français
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        assert current_language() == "fr"
        assert "Je postule à un emploi" in screen_text(app)
        await pilot.press("f2")
        await wait_for_screen(pilot, LanguageScreen)
        await pilot.press("up", "enter")  # the arrow keys move through the list too
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        assert current_language() == "es"


async def test_the_header_button_opens_the_language_list_by_mouse(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.click("#language-button")
        await wait_for_screen(pilot, LanguageScreen)
        await pilot.click("#choose-zh_Hans")
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        assert "我在申请工作" in screen_text(app)
        assert "欢迎使用Northwind Logistics求职者门户" in screen_text(app)


async def test_high_contrast_and_large_text_switch_from_keys_and_buttons(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.theme == "portal-northwind-applicants"
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST_THEME
        assert app.screen.query_one("#contrast-button").has_class("-on")
        await pilot.click("#contrast-button")
        await pilot.pause()
        assert app.theme == "portal-northwind-applicants"
        await pilot.press("f4")
        await pilot.pause()
        assert app.has_class("-large-text")
        assert app.screen.query_one("#large-text-button").has_class("-on")
        greeting = app.screen.query_one("#welcome-greeting", Static)
        assert greeting.styles.text_style.bold
        await pilot.click("#large-text-button")
        await pilot.pause()
        assert not app.has_class("-large-text")


async def test_the_visitor_chooses_the_portal_on_welcome(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.portal.name == "northwind-applicants"
        await tap(pilot, "#portal-cascade-contractors")
        await pilot.pause()
        assert app.portal.name == "cascade-contractors"
        assert app.theme == "portal-cascade-contractors"
        text = screen_text(app)
        assert "Welcome to the Cascade Ridge Energy site check-in" in text
        assert "CASCADE RIDGE" in str(app.screen.query_one("#welcome-logo", Static).content)
        await pilot.click("#lang-es")
        await pilot.pause()
        await pilot.pause()
        assert "Bienvenido al registro de acceso de Cascade Ridge Energy" in screen_text(app)


async def test_a_terminal_may_be_fixed_to_one_portal(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(
        shipped(demo_config_path), portal="cascade-contractors", database_url=database_url
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        assert not app.screen.query("#portals")
        assert app.portal.name == "cascade-contractors"


async def test_the_ticker_moves_right_to_left_and_cycles(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        ticker = app.screen.query_one(Ticker)
        first = ticker.messages[0].plain
        assert first == "New applicants: bring a photo ID and your offer letter."
        ticker.offset_cells = 0
        ticker.advance()
        start = ticker.visible_text().plain
        assert start.strip() == "N"  # its first letter enters at the right edge
        assert start.endswith("N")
        for _ in range(ticker.size.width - 1):
            ticker.advance()
        assert ticker.visible_text().plain.startswith(first[:10])
        for _ in range(len(first) + 1):
            ticker.advance()
        assert ticker.index == 1  # the next message


async def test_the_next_visitor_starts_in_the_terminal_language(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.click("#lang-vi")
        await pilot.press("f3", "f4")
        await pilot.pause()
        app.end_visit()
        await pilot.pause()
        await pilot.pause()
        assert current_language() == "en"
        assert not app.high_contrast
        assert not app.large_text
        assert "I am applying for a job" in screen_text(app)


async def test_a_screen_covered_before_its_rebuild_catches_up_when_shown_again(
    demo_config_path: Path, database_url: str
) -> None:
    """A language chosen just as another screen opens: the screen underneath is rebuilt
    when it is current again, never while covered (that rebuild crashed the visit)."""
    from screens.name_entry import NameScreen

    app = KioskApp(load_config(demo_config_path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        welcome = app.screen
        app.set_visitor_language("es")
        app.start_applicant_visit()  # in the same moment: Welcome is covered before its rebuild
        await wait_for_screen(pilot, NameScreen)
        await pilot.pause()
        assert app.return_code is None
        assert app.is_running
        assert "Siguiente" in screen_text(app)
        assert welcome.drawn_version < app.preferences_version  # not rebuilt while covered
        app.pop_screen()  # back to Welcome without ending the visit's language
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        assert app.screen is welcome
        assert "Solicito un empleo" in screen_text(app)
        assert welcome.drawn_version == app.preferences_version


async def test_the_header_buttons_keep_their_label_when_focused(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(shipped(demo_config_path), database_url=database_url)
    labels = {
        "#language-button": "English · F2",
        "#contrast-button": "Contrast · F3",
        "#large-text-button": "Large text · F4",
    }
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        for mode in ("normal", "high contrast", "large text"):
            if mode == "high contrast":
                await pilot.press("f3")
            elif mode == "large text":
                await pilot.press("f3", "f4")
            await pilot.pause()
            for selector, label in labels.items():
                button = app.screen.query_one(selector, Button)
                app.set_focus(button)
                await pilot.pause()
                assert app.focused is button
                assert button.content_region.height == 1, (mode, selector)
                header_line = screen_text(app).splitlines()[button.region.y]
                assert label in header_line, (mode, header_line)
                focused = button.styles
                assert focused.text_style.reverse, "the focus stays visible"
