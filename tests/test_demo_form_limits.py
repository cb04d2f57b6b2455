"""The shipped forms refuse the impossible answers their questions rule out, with a localized
message, in the real screens as in the engine."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kiosk.app import KioskApp, load_portal_questionnaires
from kiosk.config import load_config
from kiosk.i18n import set_language
from kiosk.paths import SHIPPED_CONFIG_DIR
from kiosk.questionnaire import AnswerError, Item, parse_text_answer
from kiosk.questionnaire.constraints import check_value
from screens.questionnaire_page import QuestionnairePageScreen
from tests.visit_helpers import fill_page, sign_in, tap, wait_for_screen


def impossible() -> dict[str, list[str]]:
    """Answers the shipped forms rule out, by linkId (dates as of today, when the test runs)."""
    today = datetime.date.today()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    return {
        "resp-1.5in": ["13", "-1"],  # "inches (0 to 11)"
        "resp-1.5ft": ["60"],
        "resp-1.3": ["430"],
        "resp-1.6": ["2"],
        "resp-1.8": ["call me anytime", "12345"],
        "hh-4.7": ["26", "-1"],  # hours of sleep "in 24 hours"
        # in the last 10 years, not later than today
        "hh-5.2": [tomorrow, "2031-01-01", "1990-01-01"],
        "hh-6.3": ["3019", str(today.year + 1), "1850"],  # the year of an injury that happened
        "hh-7.2": ["call me anytime", "none"],
        "ss-induction": [tomorrow],
        "ss-fit-test": [tomorrow],
    }


def possible() -> dict[str, list[str]]:
    """Answers at the edges of what the shipped forms take."""
    today = datetime.date.today()
    return {
        "resp-1.5in": ["0", "11"],
        "resp-1.8": ["555-201-0147", "(555) 201-0147", "+1 555 201 0147"],
        "hh-4.7": ["7.5", "24"],
        "hh-5.2": [today.isoformat()],
        "hh-6.3": [str(today.year), "2019"],
        "hh-7.2": ["555.201.0147"],
    }


def shipped_items() -> dict[str, Item]:
    config = load_config(SHIPPED_CONFIG_DIR / "kiosk.toml")
    items = {}
    for portal in config.portals:
        for entry in load_portal_questionnaires(portal):
            items.update({item.link_id: item for item in entry.questionnaire.questions()})
    return items


def refusal(item: Item, text: str) -> str | None:
    """Why the screens and the engine refuse *text* for *item*, or None if they take it."""
    try:
        value = parse_text_answer(item, text)
        assert value is not None
        check_value(item, value)
    except AnswerError as error:
        return error.message
    return None


@pytest.mark.parametrize("language", ["es", "fr", "pt_BR", "vi", "zh_Hans"])
def test_impossible_answers_are_refused_in_the_visitors_language(language: str) -> None:
    items = shipped_items()
    english = {
        (link_id, text): refusal(items[link_id], text)
        for link_id, typed in impossible().items()
        for text in typed
    }
    set_language(language)
    for (link_id, text), in_english in english.items():
        message = refusal(items[link_id], text)
        assert in_english is not None, (link_id, text)
        assert message is not None, (link_id, text)
        assert message != in_english, (link_id, text, message)  # not left in English
    for link_id, typed in possible().items():
        for text in typed:
            assert refusal(items[link_id], text) is None, (link_id, text)


async def test_the_health_history_refuses_26_hours_of_sleep_on_screen(
    demo_config_path: Path, database_url: str
) -> None:
    app = KioskApp(load_config(demo_config_path), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        for _ in range(20):  # the pages before the one with the hours of sleep
            if app.screen.query("#q-hh-4_7"):
                break
            before = app.screen
            await fill_page(pilot)
            assert app.screen is not before
        sleep = app.screen.query_one("#q-hh-4_7", Input)
        assert sleep.placeholder == "A number from 0 to 24"
        await tap(pilot, sleep)
        await pilot.press(*"26")
        await tap(pilot, "#next")
        error = app.screen.query_one("#q-hh-4_7-error", Static)
        assert str(error.render()) == "Enter a number from 0 to 24."
        app.set_visitor_language("es")
        for _ in range(50):
            await pilot.pause()
            if app.screen.query_one("#q-hh-4_7", Input).placeholder != sleep.placeholder:
                break
        assert app.screen.query_one("#q-hh-4_7", Input).placeholder == "Un número de 0 a 24"
        await tap(pilot, "#next")
        assert str(app.screen.query_one("#q-hh-4_7-error", Static).render()) == (
            "Escriba un número entre 0 y 24."
        )
