"""Each screen of the applicant visit, driven headless on a small portal: what a visitor
sees when they get something wrong, and that nothing lets them out of the kiosk."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from screens.confirmation import ConfirmationScreen
from screens.consent import ConsentScreen
from screens.farewell import FarewellScreen
from screens.name_entry import NameScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.still_there import StillThereScreen
from screens.welcome import WelcomeScreen
from tests.visit_helpers import answer, sign_in, tap, visible_questions, wait_for_screen

QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "url": "https://example.org/Questionnaire/mini",
    "version": "1",
    "status": "active",
    "title": "Mini health check",
    "item": [
        {
            "linkId": "g1",
            "type": "group",
            "text": "Habits",
            "item": [
                {"linkId": "smoke", "type": "boolean", "text": "Do you smoke?", "required": True},
                {
                    "linkId": "smoke.detail",
                    "type": "string",
                    "text": "How much?",
                    "required": True,
                    "enableWhen": [{"question": "smoke", "operator": "=", "answerBoolean": True}],
                },
                {"linkId": "age", "type": "integer", "text": "Your age", "required": True},
            ],
        },
        {
            "linkId": "g2",
            "type": "group",
            "text": "More",
            "item": [{"linkId": "last-visit", "type": "date", "text": "Last check-up"}],
        },
    ],
}

CONFIG = """
terminal = "test-terminal"
idle_timeout_seconds = 30
confirmation_seconds = 5
{backend}
[[portals]]
name = "mini"
title = "Mini Portal"
applicant_department = "Mini Applicants"
[[portals.consents]]
id = "c1"
title = "Mini consent"
text = "consent.txt"
[[portals.questionnaires]]
file = "mini.json"
order_item = "Mini order"
document_type = "Mini document"
chart_tab = "Mini tab"
"""


def mini_config(tmp_path: Path, backend: str = "") -> KioskConfig:
    (tmp_path / "consent.txt").write_text("You agree to the mini check.\n", encoding="utf-8")
    (tmp_path / "mini.json").write_text(json.dumps(QUESTIONNAIRE), encoding="utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(CONFIG.format(backend=backend), encoding="utf-8")
    return load_config(path)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> KioskApp:
    return KioskApp(mini_config(tmp_path), database_url=database_url)


def error_text(app: KioskApp, error_id: str) -> str:
    error = app.screen.query_one(f"#{error_id}", Static)
    return str(error.render()) if error.has_class("shown") else ""


async def test_welcome_shows_the_portal_and_both_ways_in(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        texts = [str(s.render()) for s in app.screen.query(Static)]
        assert "Mini Portal" in texts
        assert app.screen.query_one("#start-applicant").has_focus
        assert app.screen.query("#start-code")


async def test_names_are_checked_beside_each_field(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await wait_for_screen(pilot, NameScreen)
        assert app.screen.query_one("#first-name", Input).has_focus
        await tap(pilot, "#next")
        assert "Please enter this name." in error_text(app, "first-name-error")
        assert "Please enter this name." in error_text(app, "last-name-error")
        assert app.screen.query_one("#first-name", Input).has_focus
        await pilot.press(*"R2D2", "tab", *"Smith", "enter")
        assert "“2” cannot be part of a name" in error_text(app, "first-name-error")
        assert error_text(app, "last-name-error") == ""
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one("#first-name", Input).value = "A" * 61
        await tap(pilot, "#next")
        assert "at most 60 characters" in error_text(app, "first-name-error")


async def test_escape_on_the_first_step_returns_to_welcome_and_forgets(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Ana")
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.visit is None
        await pilot.press("escape")  # Escape on Welcome does nothing
        assert isinstance(app.screen, WelcomeScreen)
        assert app.is_running


async def test_start_up_memory_is_settled_once_and_never_during_a_visit(
    app: KioskApp,
) -> None:
    """Once start-up is over, what it left is frozen (full collections stay short while a
    visitor types); never during a visit, never with a screen of one, and only once."""
    import gc
    import weakref

    gc.unfreeze()
    app.BACKEND_START_DELAY = 3600  # type: ignore[misc]  # only this test settles memory
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        name_screen = weakref.ref(app.screen)
        app.settle_memory()  # a visit is under way: nothing is frozen
        assert gc.get_freeze_count() == 0
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        app.settle_memory()  # at rest: now, or on a later tick once the name screen is gone
        for _ in range(300):
            if gc.get_freeze_count() > 0:
                break
            await pilot.pause(0.1)
        assert gc.get_freeze_count() > 0
        assert name_screen() is None, "the visit's screen was freed, not frozen"
        gc.unfreeze()
        app.settle_memory()  # only once
        app.idle_tick()
        assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p"])
async def test_no_key_leaves_the_kiosk(app: KioskApp, key: str) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, NameScreen)


async def test_consent_needs_the_typed_name_and_the_tick(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Ana", "enter", *"Lee", "enter")
        await wait_for_screen(pilot, ConsentScreen)
        await tap(pilot, "#next")
        assert "Type your full name to sign." in error_text(app, "consent-signature-error")
        await pilot.press(*"Someone Else")
        await tap(pilot, "#next")
        assert "exactly as you entered it: Ana Lee" in error_text(app, "consent-signature-error")
        app.screen.query_one("#consent-signature", Input).value = "ana  lee"
        await tap(pilot, "#next")
        assert error_text(app, "consent-signature-error") == ""
        assert "Tick the box" in error_text(app, "consent-agree-error")
        await tap(pilot, "#consent-agree")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        assert app.visit is not None
        [signature] = app.visit.signatures.values()
        assert signature.typed_name == "ana lee"
        assert signature.version.startswith("sha256:")


async def test_declining_the_consent_ends_the_visit_politely(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Ana", "enter", *"Lee", "enter")
        await wait_for_screen(pilot, ConsentScreen)
        await tap(pilot, "#consent-decline")
        await tap(pilot, "#decline-end")  # asked once (tests/test_visit_prompts.py)
        await wait_for_screen(pilot, FarewellScreen)
        assert app.visit is None
        message = str(app.screen.query_one("#farewell-message", Static).render())
        assert "Nothing you entered has been kept" in message
        await tap(pilot, "#done")
        await wait_for_screen(pilot, WelcomeScreen)


async def test_a_page_says_what_is_missing_and_enable_when_reveals_questions(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        assert [f.item.link_id for f in visible_questions(screen)] == ["smoke", "age"]
        await tap(pilot, "#next")
        assert error_text(app, "q-smoke-error") == "This question needs an answer."
        assert app.screen.query_one("#q-smoke").has_focus, "focus moves to the first problem"
        [smoke, _age] = visible_questions(screen)
        await answer(pilot, smoke, 0)  # Yes
        assert [f.item.link_id for f in visible_questions(screen)] == [
            "smoke",
            "smoke.detail",
            "age",
        ]
        age = visible_questions(screen)[2]
        await answer(pilot, age, "forty")
        await tap(pilot, "#next")
        assert error_text(app, "q-smoke_detail-error") == "This question needs an answer."
        assert "whole number" in error_text(app, "q-age-error")
        assert app.screen.query_one("#q-smoke_detail").has_focus
        await answer(pilot, visible_questions(screen)[1], "A pack a week")
        app.screen.query_one("#q-age", Input).value = "41"
        await tap(pilot, "#next")
        assert isinstance(app.screen, QuestionnairePageScreen)
        assert app.screen.page_index == 1
        pages = [s for s in app.screen_stack if isinstance(s, QuestionnairePageScreen)]
        assert pages == [app.screen], "a page replaces the one before it"
        await tap(pilot, "#back")  # back builds the page again, with what was typed
        assert app.screen.query_one("#q-smoke_detail", Input).value == "A pack a week"
        assert app.screen.query_one("#q-age", Input).value == "41"
        assert sum(isinstance(s, QuestionnairePageScreen) for s in app.screen_stack) == 1


async def test_review_changes_a_page_and_returns(app: KioskApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        smoke, age = visible_questions(app.screen)
        await answer(pilot, smoke, 1)
        await answer(pilot, age, "33")
        await tap(pilot, "#next")
        await tap(pilot, "#next")  # the second page is optional
        await wait_for_screen(pilot, ReviewScreen)
        assert "Your age: 33" in _texts(app)
        await tap(pilot, app.screen.query(".change").first())
        await wait_for_screen(pilot, QuestionnairePageScreen)
        app.screen.query_one("#q-age", Input).value = "34"
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        assert "Your age: 34" in _texts(app)


async def test_a_dead_backend_keeps_the_submission_in_the_outbox(
    tmp_path: Path,
) -> None:
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = mini_config(
        tmp_path, f'[backend]\nurl = "http://127.0.0.1:{port}"\ntimeout_seconds = 2'
    )
    app = KioskApp(config)
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        smoke, age = visible_questions(app.screen)
        await answer(pilot, smoke, 1)
        await answer(pilot, age, "33")
        await tap(pilot, "#next")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        key = app.visit.idempotency_key if app.visit else ""
        await tap(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen, tries=400)
        assert "will reach the clinic shortly" in _texts(app)
        assert app.visit is None
        [waiting] = app.submissions.outbox.pending()
        assert waiting.key == key
        assert waiting.last_error == "unreachable"
        payload = app.submissions.outbox.payload(key)
        assert payload is not None
        assert (payload["first_name"], payload["last_name"]) == ("Ana", "Lee")


async def test_idle_timeout_wipes_the_visit(app: KioskApp) -> None:
    async with app.run_test() as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Ana")
        visit = app.visit
        assert visit is not None
        app.idle_tick()
        app.idle.last_input -= app.config.idle_timeout_seconds + 1
        app.idle_tick()
        await wait_for_screen(pilot, StillThereScreen)
        app.screen.remaining = 1  # type: ignore[attr-defined]
        await wait_for_screen(pilot, WelcomeScreen, tries=300)
        assert app.visit is None
        assert visit.first_name == ""
        assert len(app.screen_stack) == 2


def _texts(app: KioskApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))
