"""Textual's parsed CSS, kept between starts (kiosk.terminal.css_store).

Each test starts the real app headless, twice or more, in the test's own cache folder, and
counts the CSS sources Textual parses (its parser, wrapped); every widget of Welcome must be
styled exactly as when everything was parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet as textual_stylesheet

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from kiosk.private_cache import load_private
from kiosk.terminal import css_store
from screens.welcome import WelcomeScreen
from tests.visit_helpers import wait_for_screen

Looks = list[tuple[str, str, str]]


@pytest.fixture
def config(demo_config_path: Path, monkeypatch: pytest.MonkeyPatch) -> KioskConfig:
    monkeypatch.setattr(KioskApp, "BACKEND_START_DELAY", 3600)  # the backend plays no part here
    return load_config(demo_config_path)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Where each CSS source that Textual parses from now on was read from."""
    sources: list[Any] = []
    real_parse = textual_stylesheet.parse

    def counting(scope: str, css: str, read_from: Any, *args: Any, **kwargs: Any) -> Any:
        sources.append(read_from)
        return real_parse(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return sources


async def start(app: KioskApp, *, high_contrast: bool = False) -> Looks:
    """Run *app* until Welcome is up, and end it (which stores the CSS); Welcome's styles."""
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause()
        looks = [
            (type(node).__name__, str(node.id), node.styles.css)
            for node in app.screen.walk_children(with_self=True)
        ]
        if high_contrast:
            await pilot.press("f3")  # a new theme: Textual parses every source again
            await pilot.pause()
            await pilot.press("f2")  # a pop-up with CSS of its own
            await pilot.pause()
    return looks


def store_file() -> Path:
    return css_store._entry_path()


async def test_a_second_start_parses_none_of_welcomes_css_and_styles_it_the_same(
    config: KioskConfig, parsed: list[Any]
) -> None:
    first = await start(KioskApp(config))
    assert any(str(read_from[0]).endswith("app.tcss") for read_from in parsed)
    assert any(read_from[1] == "Button.DEFAULT_CSS" for read_from in parsed)
    assert store_file().stat().st_mode & 0o077 == 0
    stored_at = store_file().stat().st_mtime_ns
    parsed.clear()

    again = await start(KioskApp(config))
    assert parsed == []
    assert again == first
    assert store_file().stat().st_mtime_ns == stored_at  # nothing new: not written again


def app_with_css(config: KioskConfig, css: str) -> KioskApp:
    """A kiosk with *css* added to its own (read from the same place each time)."""
    app_class = type("KioskWithCss", (KioskApp,), {"CSS": css})
    return app_class(config)


async def test_an_edited_source_alone_is_parsed_again(
    config: KioskConfig, parsed: list[Any]
) -> None:
    await start(app_with_css(config, "#welcome-greeting { text-style: bold; }"))
    parsed.clear()
    looks = await start(app_with_css(config, "#welcome-greeting { text-style: italic; }"))
    assert [read_from[1] for read_from in parsed] == ["KioskWithCss.CSS"]
    greeting = next(css for _, node_id, css in looks if node_id == "welcome-greeting")
    assert "italic" in greeting
    parsed.clear()
    await start(app_with_css(config, "#welcome-greeting { text-style: italic; }"))
    assert parsed == []  # the edited source was stored in its turn


async def test_another_theme_or_another_textual_is_parsed_as_usual(
    config: KioskConfig, parsed: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    await start(KioskApp(config))
    parsed.clear()
    other = next(p.name for p in config.portals if p.colour != config.portals[0].colour)
    await start(KioskApp(config, portal=other))  # another colour: other variables
    assert any(str(read_from[0]).endswith("app.tcss") for read_from in parsed)

    parsed.clear()
    monkeypatch.setattr(css_store, "_textual_stamp", lambda: "a Textual upgraded since")
    await start(KioskApp(config, portal=other))
    assert any(str(read_from[0]).endswith("app.tcss") for read_from in parsed)


async def test_what_is_kept_is_welcomes_css_as_first_drawn(
    config: KioskConfig, parsed: list[Any]
) -> None:
    """Not the high contrast a visitor turns on later, nor a later screen's CSS."""
    first = await start(KioskApp(config), high_contrast=True)
    assert any("LanguageScreen.DEFAULT_CSS" in str(read_from) for read_from in parsed)
    stored = load_private(store_file())
    assert isinstance(stored, dict)
    assert not [key for key in stored["parsed"] if "LanguageScreen" in str(key[1])]
    parsed.clear()
    assert await start(KioskApp(config)) == first
    assert parsed == []


@pytest.mark.parametrize("spoil", ["others may write it", "damaged"])
async def test_a_store_others_could_write_or_a_damaged_one_is_not_used(
    spoil: str, config: KioskConfig, parsed: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    first = await start(KioskApp(config))
    if spoil == "damaged":
        store_file().write_bytes(b"not a pickle")
    else:
        store_file().chmod(0o666)
    parsed.clear()
    assert await start(KioskApp(config)) == first
    assert any(str(read_from[0]).endswith("app.tcss") for read_from in parsed)
    assert store_file().stat().st_mode & 0o077 == 0  # and a sound, private one was written
    if spoil == "damaged":
        assert "not usable" in caplog.text


async def test_a_textual_it_cannot_read_is_parsed_as_usual_without_a_crash(
    config: KioskConfig,
    parsed: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The store reaches into Textual's private attributes: a release without them must cost
    only the time it saves, never the visitor's Welcome."""
    first = await start(KioskApp(config))

    def changed_textual() -> str:
        raise AttributeError("no such attribute in this Textual")

    monkeypatch.setattr(css_store, "_textual_stamp", changed_textual)
    parsed.clear()
    app = KioskApp(config)
    assert await start(app) == first
    assert any(str(read_from[0]).endswith("app.tcss") for read_from in parsed)
    assert app.return_code in (None, 0)
    assert "parsed CSS not restored: AttributeError" in caplog.text
