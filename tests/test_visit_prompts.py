"""A signature typed without accents, "I do not agree" asked once, and the idle prompt
hiding the visit behind it: driven through the real screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.flow.names import name_key
from screens.confirm_decline import ConfirmDeclineScreen
from screens.consent import ConsentScreen
from screens.farewell import FarewellScreen
from screens.name_entry import NameScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.still_there import StillThereScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.visit_helpers import answer, tap, visible_questions, wait_for_screen

FORM = questionnaire(
    {"linkId": "job", "type": "string", "text": "Your job title", "required": True},
)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> KioskApp:
    return KioskApp(mini_portal(tmp_path, FORM), database_url=database_url)


async def to_consent(pilot, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    await tap(pilot, "#start-applicant")
    await wait_for_screen(pilot, NameScreen)
    await pilot.press(*first, "enter", *last, "enter")
    await wait_for_screen(pilot, ConsentScreen)


def test_names_compare_without_case_accents_or_typographic_apostrophes() -> None:
    assert name_key("María José O\u2019Brien-Núñez") == name_key("maria jose o'brien-nunez")
    assert name_key("Đặng Thị Ánh") == name_key("dang thi anh")
    assert name_key("Søren  Łukasz") == name_key("soren lukasz")
    assert name_key("María José") != name_key("Mario Jose")


async def test_a_signature_typed_without_accents_signs(app: KioskApp) -> None:
    async with app.run_test(size=(110, 40)) as pilot:
        await to_consent(pilot, "María José", "O'Brien-Núñez")
        await pilot.press(*"maria jose o'brien-nunez", "enter", "space")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        assert app.visit is not None
        [signature] = app.visit.signatures.values()
        assert signature.typed_name == "maria jose o'brien-nunez"  # recorded as typed


async def test_a_different_name_still_does_not_sign(app: KioskApp) -> None:
    async with app.run_test(size=(110, 40)) as pilot:
        await to_consent(pilot, "María José", "O'Brien-Núñez")
        await pilot.press(*"mario jose o'brien-nunez", "enter", "space")
        await tap(pilot, "#next")
        assert isinstance(app.screen, ConsentScreen)
        error = str(app.screen.query_one("#consent-signature-error", Static).render())
        assert "María José O'Brien-Núñez" in error


async def test_i_do_not_agree_asks_once_before_ending_the_visit(app: KioskApp) -> None:
    async with app.run_test(size=(110, 40)) as pilot:
        await to_consent(pilot, "Ana", "Lee")
        await pilot.press(*"Ana Lee")
        await tap(pilot, "#consent-decline")
        await wait_for_screen(pilot, ConfirmDeclineScreen)
        assert app.visit is not None
        assert app.visit.full_name == "Ana Lee"
        assert app.screen.query_one("#decline-keep").has_focus  # Enter keeps the visit
        await tap(pilot, "#decline-keep")
        await wait_for_screen(pilot, ConsentScreen)
        assert app.visit is not None
        assert app.screen.query_one("#consent-signature", Input).value == "Ana Lee"

        await tap(pilot, "#consent-decline")
        await wait_for_screen(pilot, ConfirmDeclineScreen)
        await pilot.press("escape")  # Escape keeps it too
        await wait_for_screen(pilot, ConsentScreen)
        assert app.visit is not None

        await tap(pilot, "#consent-decline")
        await wait_for_screen(pilot, ConfirmDeclineScreen)
        visit = app.visit
        await tap(pilot, "#decline-end")
        await wait_for_screen(pilot, FarewellScreen)
        assert app.visit is None
        assert visit.first_name == ""
        assert not any(isinstance(s, ConfirmDeclineScreen) for s in app.screen_stack)


async def test_the_idle_prompt_hides_the_visitors_name_and_answers(app: KioskApp) -> None:
    async with app.run_test(size=(110, 40)) as pilot:
        await to_consent(pilot, "Zebulon", "Quixley")
        await pilot.press(*"Zebulon Quixley", "enter", "space")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        [job] = visible_questions(app.screen)
        await answer(pilot, job, "Forklift wrangler")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        before = app.export_screenshot()
        assert "Forklift" in before
        assert "Quixley" in before

        app.idle_tick()  # the terminal notes the screen, then the visitor walks away
        app.idle.last_input -= app.config.idle_timeout_seconds + 1
        app.idle_tick()
        await wait_for_screen(pilot, StillThereScreen)
        await pilot.pause()
        shown = app.export_screenshot()
        assert "Are you still there?" in shown.replace("&#160;", " ")
        assert "Quixley" not in shown
        assert "Forklift" not in shown
        assert "Zebulon" not in shown

        await tap(pilot, "#still-there-continue")
        await wait_for_screen(pilot, ReviewScreen)
        assert "Forklift" in app.export_screenshot()  # nothing was lost
