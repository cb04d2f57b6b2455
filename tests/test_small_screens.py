"""An 80×24 terminal (a common terminal and thin-client size): every screen shows what matters
(the reference number, the whole QR code, the languages and portals, the primary button) without
scrolling, and the header shows the whole title."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widget import Widget

from kiosk.app import KioskApp
from kiosk.config import BackendConfig, load_config
from kiosk.tools.drive import screen_text
from screens.qr_code import qr_lines
from tests.test_snapshots_i18n import PORTAL, SCREENS, in_language, settle

SMALL = (80, 24)


def fully_in_view(widget: Widget) -> bool:
    """Whether all of *widget* is on the screen, uncovered, without scrolling."""
    screen = widget.screen
    region = widget.region
    if not region or not screen.region.contains_region(region):
        return False
    corners = [(region.x, region.y), (region.right - 1, region.bottom - 1), region.center]
    return all(
        screen.get_widget_at(x, y)[0] in (widget, *widget.walk_children()) for x, y in corners
    )


def qr_in_view(app: KioskApp, data: str) -> bool:
    """Whether every row of the QR code of *data*, every column of it, is on the screen."""
    shown = screen_text(app)
    return all(line.rstrip() in shown for line in qr_lines(data))


async def small_app(demo_config_path: Path, screen: str, language: str = "en") -> KioskApp:
    config = load_config(demo_config_path)
    config = replace(config, backend=BackendConfig(url="http://127.0.0.1:9"))
    return KioskApp(config, portal=PORTAL)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_confirmation_shows_the_reference_its_qr_code_and_done(
    demo_config_path: Path, language: str
) -> None:
    app = await small_app(demo_config_path, "confirmation")
    async with app.run_test(size=SMALL) as pilot:
        await in_language(language, SCREENS["confirmation"])(pilot)
        await settle(pilot)
        assert "HOH-2026-000123" in screen_text(app)
        assert fully_in_view(app.screen.query_one("#reference"))
        assert qr_in_view(app, "HOH-2026-000123")
        assert fully_in_view(app.screen.query_one("#done"))


@pytest.mark.parametrize("language", ["en", "es"])
async def test_pickup_done_shows_the_whole_qr_code_and_done(
    demo_config_path: Path, language: str
) -> None:
    app = await small_app(demo_config_path, "pickup-done")
    async with app.run_test(size=SMALL) as pilot:
        await in_language(language, SCREENS["pickup-done"])(pilot)
        await settle(pilot)
        assert qr_in_view(app, "https://portal.example.org/login")
        assert len(qr_lines("https://portal.example.org/login")[0]) >= 29
        assert fully_in_view(app.screen.query_one("#portal-qr"))
        assert fully_in_view(app.screen.query_one("#done"))


@pytest.mark.parametrize("language", ["en", "es"])
async def test_welcome_shows_every_way_in_every_language_and_every_portal(
    demo_config_path: Path, language: str
) -> None:
    app = KioskApp(load_config(demo_config_path))  # no portal given: the visitor chooses
    async with app.run_test(size=SMALL) as pilot:
        await in_language(language)(pilot)
        screen = app.screen
        buttons = [
            screen.query_one("#start-applicant"),
            screen.query_one("#start-code"),
            screen.query_one("#start-login"),
            *screen.query(".language-choice"),
            *screen.query(".portal-choice"),
        ]
        assert len(buttons) == 3 + 6 + 2
        hidden = [b.id for b in buttons if not fully_in_view(b)]
        assert hidden == []


async def test_the_header_shows_the_whole_title(demo_config_path: Path) -> None:
    app = KioskApp(load_config(demo_config_path), portal="northwind-applicants")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "Northwind Logistics — Applicant Portal" in screen_text(app).splitlines()[1]
        for control in app.screen.query(".preference"):
            assert fully_in_view(control), control.id


@pytest.mark.parametrize(("screen", "button"), [("consent", "#next"), ("review", "#submit")])
async def test_the_primary_button_is_in_view(
    demo_config_path: Path, screen: str, button: str
) -> None:
    app = await small_app(demo_config_path, screen)
    async with app.run_test(size=SMALL) as pilot:
        await in_language("en", SCREENS[screen])(pilot)
        await settle(pilot)
        assert fully_in_view(app.screen.query_one(button))
        assert fully_in_view(app.screen.query_one("#back"))
        focused = app.focused
        assert focused is not None
        assert fully_in_view(focused), "what has the focus is in view"
