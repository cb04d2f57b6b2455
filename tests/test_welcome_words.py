"""The portal's own words reach Welcome's first button, in every language it has them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.config import load_config
from screens.welcome import WelcomeScreen
from tests.visit_helpers import tap, wait_for_screen


def start_label(app: KioskApp) -> str:
    return str(app.screen.query_one("#start-applicant", Button).label)


async def test_the_contractor_portal_names_its_visitors_on_the_first_button(
    demo_config_path: Path,
) -> None:
    app = KioskApp(load_config(demo_config_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        assert start_label(app) == "I am applying for a job"  # the job applicants' portal
        await tap(pilot, "#portal-cascade-contractors")
        await pilot.pause()
        assert app.portal.name == "cascade-contractors"
        assert start_label(app) == "Contractor sign-in"
        await tap(pilot, "#lang-es")
        await pilot.pause()
        assert start_label(app) == "Registro de contratista"
        await tap(pilot, "#start-applicant")
        assert str(app.screen.query_one("#visit-kind").render()) == "Registro de contratista"
